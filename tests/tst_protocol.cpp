// SPDX-License-Identifier: MIT
// Codec round trips against the golden fixtures, and rejection of malformed frames.
#include "apitypes.h"
#include "protocol.h"
#include "roominfo.h"
#include "timeordereduuid.h"
#include "validation.h"

#include <QFile>
#include <QJsonArray>
#include <QJsonDocument>
#include <QSet>
#include <QTest>

using namespace Qt::StringLiterals;

class TestProtocol : public QObject
{
    Q_OBJECT

private:
    QJsonObject fixtures()
    {
        QFile file(QStringLiteral(CHAT_FIXTURES_DIR "/protocol-v2.json"));
        if (!file.open(QIODevice::ReadOnly))
            qFatal("cannot open fixtures");
        return QJsonDocument::fromJson(file.readAll()).object();
    }
    static QJsonObject reparse(const QByteArray &json)
    {
        return QJsonDocument::fromJson(json).object();
    }

private slots:
    void eventObjectsOfContractV2()
    {
        QFile file(QStringLiteral(CHAT_FIXTURES_DIR "/protocol-v2-events.json"));
        QVERIFY(file.open(QIODevice::ReadOnly));
        const QJsonObject fixtures = QJsonDocument::fromJson(file.readAll()).object();
        const QJsonArray events = fixtures.value("events"_L1).toArray();
        QCOMPARE(events.size(), 8);
        QSet<EventKind> kinds;
        for (const QJsonValue &v : events) {
            QString error;
            const auto event = ChatMessage::fromJson(v.toObject(), &error);
            QVERIFY2(event, qPrintable(error));
            QVERIFY(event->kind != EventKind::Unknown);
            kinds.insert(event->kind);
            QCOMPARE(event->toJson(), v.toObject()); // the same object back
        }
        QCOMPARE(kinds.size(), 6); // every kind has a golden example
        const auto first = ChatMessage::fromJson(events.at(0).toObject());
        QVERIFY(first->edited);
        QCOMPARE(first->updatedSeq, 6);
        QCOMPARE(first->reactions.size(), 2);
        QCOMPARE(first->reactions.at(0).key, u"\U0001F44D"_s);
        QVERIFY(first->reactions.at(0).me);
        const auto deleted = ChatMessage::fromJson(events.at(2).toObject());
        QVERIFY(deleted->deleted);
        QVERIFY(deleted->body.isEmpty());
        QCOMPARE(ChatMessage::fromJson(events.at(6).toObject())->clientId, QString()); // server's

        // A newer server's kind is kept for skipping, not refused and not shown as a message.
        const auto unknown = ChatMessage::fromJson(fixtures.value("unknown"_L1).toObject());
        QVERIFY(unknown);
        QCOMPARE(unknown->kind, EventKind::Unknown);
        QCOMPARE(unknown->fields.value("question"_L1).toString(), u"lunch?"_s);

        for (const QJsonValue &v : fixtures.value("invalid"_L1).toArray()) {
            const QString why = v.toObject().value("why"_L1).toString();
            QString error;
            QVERIFY2(!ChatMessage::fromJson(v.toObject().value("event"_L1).toObject(), &error),
                     qPrintable(why));
            QVERIFY2(!error.isEmpty(), qPrintable(why));
        }
    }

    void eventKindFieldsAreChecked_data()
    {
        QTest::addColumn<QString>("kind");
        QTest::addColumn<QJsonObject>("fields");
        QTest::addColumn<bool>("ok");
        const QString id = u"01a2b3c4-0000-7000-8000-000000000001"_s;
        QTest::newRow("message plain") << u"message"_s << QJsonObject{} << true;
        QTest::newRow("message markdown reply") << u"message"_s
                << QJsonObject{{"format"_L1, u"markdown"_s}, {"replyTo"_L1, id}} << true;
        QTest::newRow("message html") << u"message"_s << QJsonObject{{"format"_L1, u"html"_s}} << false;
        QTest::newRow("message reply to text") << u"message"_s << QJsonObject{{"replyTo"_L1, u"hi"_s}} << false;
        QTest::newRow("edit") << u"edit"_s << QJsonObject{{"relatesTo"_L1, id}} << true;
        QTest::newRow("edit without target") << u"edit"_s << QJsonObject{} << false;
        QTest::newRow("delete target number") << u"delete"_s << QJsonObject{{"relatesTo"_L1, 7}} << false;
        QTest::newRow("reaction") << u"reaction"_s
                << QJsonObject{{"relatesTo"_L1, id}, {"key"_L1, u"\U0001F44D"_s}, {"op"_L1, u"add"_s}} << true;
        QTest::newRow("reaction blank key") << u"reaction"_s
                << QJsonObject{{"relatesTo"_L1, id}, {"key"_L1, u"  "_s}, {"op"_L1, u"add"_s}} << false;
        QTest::newRow("reaction long key") << u"reaction"_s
                << QJsonObject{{"relatesTo"_L1, id}, {"key"_L1, QString(33, u'x')}, {"op"_L1, u"add"_s}} << false;
        QTest::newRow("reaction bad op") << u"reaction"_s
                << QJsonObject{{"relatesTo"_L1, id}, {"key"_L1, u"x"_s}, {"op"_L1, u"toggle"_s}} << false;
        QTest::newRow("member") << u"member"_s
                << QJsonObject{{"user"_L1, u"bob"_s}, {"change"_L1, u"kick"_s}} << true;
        QTest::newRow("member bad change") << u"member"_s
                << QJsonObject{{"user"_L1, u"bob"_s}, {"change"_L1, u"promote"_s}} << false;
        QTest::newRow("member bad name") << u"member"_s
                << QJsonObject{{"user"_L1, u"bob smith"_s}, {"change"_L1, u"join"_s}} << false;
        QTest::newRow("topic") << u"topic"_s << QJsonObject{{"topic"_L1, u"launch week"_s}} << true;
        QTest::newRow("topic cleared") << u"topic"_s << QJsonObject{{"topic"_L1, u""_s}} << true;
        QTest::newRow("topic too long") << u"topic"_s << QJsonObject{{"topic"_L1, QString(257, u't')}} << false;
        QTest::newRow("unknown kind") << u"poll"_s << QJsonObject{} << false;
    }

    void eventKindFieldsAreChecked()
    {
        QFETCH(QString, kind);
        QFETCH(QJsonObject, fields);
        QFETCH(bool, ok);
        const EventKind k = EventKinds::fromName(kind);
        QCOMPARE(k == EventKind::Unknown, kind == u"poll"_s);
        if (k != EventKind::Unknown)
            QCOMPARE(QString(EventKinds::name(k)), kind); // names round-trip
        QString why;
        const auto error = EventKinds::fieldsError(k, fields, &why);
        QCOMPARE(!error.has_value(), ok);
        if (error) {
            QCOMPARE(*error, ErrorCode::InvalidRequest);
            QVERIFY(!why.isEmpty());
        }
    }

    void timeOrderedUuids()
    {
        const qint64 t = 1'764'500'000'123; // 2025-11-30
        const QUuid a = createTimeOrderedUuid(t);
        const QString text = a.toString(QUuid::WithoutBraces);
        QCOMPARE(text.left(13), u"019ad465-4d7b"_s); // the 48-bit millisecond count
        QCOMPARE(text.at(14), u'7');                 // version (Qt 6.4 knows versions 1-5 only)
        QCOMPARE(a.variant(), QUuid::DCE);           // RFC 9562 variant bits 10
        QSet<QString> seen;
        QString previous;
        for (qint64 ms = t; ms < t + 2000; ms += 2) {
            for (int i = 0; i < 5; ++i) {
                const QString id = createTimeOrderedUuid(ms).toString(QUuid::WithoutBraces);
                QVERIFY(!seen.contains(id));
                seen.insert(id);
                if (i == 0) { // a later millisecond sorts after everything earlier, as text too
                    QVERIFY2(id > previous, qPrintable(id + u" <= "_s + previous));
                }
                previous = std::max(previous, id);
            }
        }
    }

    void clientFixturesRoundTrip()
    {
        const QJsonArray frames = fixtures().value("client"_L1).toArray();
        QCOMPARE(frames.size(), 12);
        for (const QJsonValue &v : frames) {
            const QByteArray text = QJsonDocument(v.toObject()).toJson();
            FrameError error;
            const auto frame = parseClientFrame(text, 4096, &error);
            QVERIFY2(frame, qPrintable(error.message + u" in "_s + QString::fromUtf8(text)));
            QCOMPARE(reparse(frame->toJson()), v.toObject());
        }
        // kind defaults to message; a plain format is the default and not kept.
        FrameError error;
        const auto bare = parseClientFrame("{\"type\":\"send\",\"room\":\"a\",\"clientId\":\"c\",\"body\":\"x\",\"format\":\"plain\"}", 4096, &error);
        QVERIFY(bare);
        QCOMPARE(bare->event.kind, EventKind::Message);
        QVERIFY(bare->event.fields.isEmpty());
        const auto reaction = parseClientFrame(QJsonDocument(frames.at(7).toObject()).toJson(), 4096, &error);
        QCOMPARE(reaction->event.kind, EventKind::Reaction);
        QCOMPARE(reaction->event.fields.value("op"_L1).toString(), u"add"_s);
        QVERIFY(reaction->event.body.isEmpty());
    }

    void serverFixturesRoundTrip()
    {
        const QJsonArray frames = fixtures().value("server"_L1).toArray();
        QCOMPARE(frames.size(), 20);
        for (const QJsonValue &v : frames) {
            QString error;
            const auto frame = ServerFrame::parse(QJsonDocument(v.toObject()).toJson(), &error);
            QVERIFY2(frame, qPrintable(error));
            QCOMPARE(reparse(frame->toJson()), v.toObject());
        }
        const auto hello = ServerFrame::parse(QJsonDocument(frames.at(1).toObject()).toJson());
        QCOMPARE(hello->protocol, Protocol::kVersion);
        QCOMPARE(hello->features, Protocol::features());
        QCOMPARE(ServerFrame::hello(u"alice"_s, hello->epoch, 4096).toJson(), hello->toJson());
        // The archive push as the server builds it (Hub::roomArchived).
        QCOMPARE(reparse(ServerFrame::roomChanged(u"old-project"_s, u"archived"_s, false, {}).toJson()),
                 frames.at(4).toObject());
        // A v1 hello (no protocol) is not taken for a v2 one.
        QVERIFY(!ServerFrame::parse("{\"type\":\"hello\",\"user\":\"a\",\"epoch\":\"e\"}"));
    }

    void httpFixturesRoundTrip()
    {
        const QJsonObject http = fixtures().value("http"_L1).toObject();
        const auto page = HistoryPage::fromJson(http.value("historyPage"_L1).toObject());
        QVERIFY(page);
        QCOMPARE(page->events.size(), 3);
        QCOMPARE(page->events.first().seq, 42);
        QCOMPARE(page->events.first().updatedSeq, 44);
        QCOMPARE(page->events.at(2).kind, EventKind::Edit);
        QCOMPARE(page->events.first().ts,
                 QDateTime(QDate(2026, 11, 30), QTime(10, 0, 0, 123), Qt::UTC));
        QCOMPARE(page->toJson(), http.value("historyPage"_L1).toObject());
        const auto room = RoomInfo::fromJson(http.value("room"_L1).toObject());
        QVERIFY(room);
        QCOMPARE(room->toJson(), http.value("room"_L1).toObject());
        const auto archived = RoomInfo::fromJson(http.value("archivedRoom"_L1).toObject());
        QVERIFY(archived);
        QVERIFY(archived->archived);
        QCOMPARE(archived->owner, u"alice"_s);
        QCOMPARE(archived->toJson(), http.value("archivedRoom"_L1).toObject());
        for (const auto key : {"memberRoom"_L1, "directRoom"_L1}) {
            const auto r = RoomInfo::fromJson(http.value(key).toObject());
            QVERIFY(r);
            QCOMPARE(r->toJson(), http.value(key).toObject());
        }
        const auto direct = RoomInfo::fromJson(http.value("directRoom"_L1).toObject());
        QVERIFY(direct->dm);
        QCOMPARE(direct->peer, u"bob"_s);
        QVERIFY(direct->peerOnline);
        QCOMPARE(RoomInfo::fromJson(http.value("memberRoom"_L1).toObject())->mentions, 1);
        for (const QJsonValue &m : http.value("members"_L1).toObject().value("members"_L1).toArray()) {
            const auto member = MemberInfo::fromJson(m.toObject());
            QVERIFY(member);
            QCOMPARE(member->toJson(), m.toObject());
        }
        const auto oldRoom = RoomInfo::fromJson(http.value("roomOfAnOlderServer"_L1).toObject());
        QVERIFY(oldRoom); // neither field: not archived, no owner
        QVERIFY(!oldRoom->archived);
        QVERIFY(oldRoom->owner.isEmpty());
        const auto auth = AuthResult::fromJson(http.value("auth"_L1).toObject());
        QVERIFY(auth);
        QCOMPARE(auth->toJson(), http.value("auth"_L1).toObject());
        const auto error = ApiError::fromJson(http.value("error"_L1).toObject());
        QVERIFY(error);
        QCOMPARE(error->code, ErrorCode::Forbidden);
        QCOMPARE(error->toJson(), http.value("error"_L1).toObject());
        const auto change = PasswordChange::fromJson(http.value("passwordChange"_L1).toObject());
        QVERIFY(change);
        QCOMPARE(change->newPassword, u"a new password"_s);
        QCOMPARE(change->toJson(), http.value("passwordChange"_L1).toObject());
        QVERIFY(!PasswordChange::fromJson({{"password"_L1, u"x"_s}})); // newPassword missing
        const auto confirmation =
                PasswordConfirmation::fromJson(http.value("passwordConfirmation"_L1).toObject());
        QVERIFY(confirmation);
        QCOMPARE(confirmation->toJson(), http.value("passwordConfirmation"_L1).toObject());
        QVERIFY(!PasswordConfirmation::fromJson({{"password"_L1, 5}}));
        const auto credentials = Credentials::fromJson(http.value("credentials"_L1).toObject());
        QVERIFY(credentials);
        QCOMPARE(credentials->device, u"Chat on laptop"_s);
        QCOMPARE(credentials->toJson(), http.value("credentials"_L1).toObject());
        QJsonObject badDevice = http.value("credentials"_L1).toObject();
        badDevice.insert("device"_L1, u"tab\tname"_s);
        QVERIFY(!Credentials::fromJson(badDevice));
        const QJsonArray sessions = http.value("sessions"_L1).toObject().value("sessions"_L1).toArray();
        QCOMPARE(sessions.size(), 2);
        for (const QJsonValue &v : sessions) {
            const auto s = SessionInfo::fromJson(v.toObject());
            QVERIFY(s);
            QCOMPARE(s->toJson(), v.toObject());
        }
        const auto older = SessionInfo::fromJson(sessions.at(1).toObject());
        QVERIFY(!older->createdAt.isValid() && !older->lastUsedAt.isValid() && !older->current);
        QJsonObject badTime = sessions.at(0).toObject();
        badTime.insert("lastUsedAt"_L1, u"yesterday"_s);
        QVERIFY(!SessionInfo::fromJson(badTime));
    }

    void messageRoundTripKeepsUnicodeAndMilliseconds()
    {
        ChatMessage m{u"id-1"_s, u"general"_s, 7, u"bob"_s,
                      u"h\u00e9llo \U0001F600 <img src=x> \"quoted\"\n"_s, u"c1"_s,
                      QDateTime(QDate(2026, 1, 2), QTime(3, 4, 5, 6), Qt::UTC)};
        const QByteArray text = ServerFrame::eventFrame(m).toJson();
        const auto back = ServerFrame::parse(text);
        QVERIFY(back);
        QCOMPARE(back->type, ServerFrame::Type::Event);
        QVERIFY(back->event == m);
        QCOMPARE(formatTimestamp(m.ts), u"2026-01-02T03:04:05.006Z"_s);
    }

    void rejectsMalformedClientFrames_data()
    {
        QTest::addColumn<QByteArray>("text");
        QTest::addColumn<QString>("code");
        QTest::addColumn<QString>("clientId");
        QTest::newRow("not json") << QByteArray("hello") << u"bad_json"_s << QString();
        QTest::newRow("truncated") << QByteArray("{\"type\":\"send\"") << u"bad_json"_s << QString();
        QTest::newRow("array") << QByteArray("[1,2]") << u"bad_json"_s << QString();
        QTest::newRow("invalid utf-8") << QByteArray("{\"type\":\"ping\",\"x\":\"\xff\xfe\"}")
                                       << u"bad_json"_s << QString();
        QTest::newRow("no type") << QByteArray("{}") << u"invalid_frame"_s << QString();
        QTest::newRow("type not string") << QByteArray("{\"type\":5}") << u"invalid_frame"_s
                                         << QString();
        QTest::newRow("unknown type") << QByteArray("{\"type\":\"dance\"}") << u"unknown_type"_s
                                      << QString();
        QTest::newRow("subscribe no room") << QByteArray("{\"type\":\"subscribe\"}")
                                           << u"invalid_frame"_s << QString();
        QTest::newRow("subscribe bad room") << QByteArray("{\"type\":\"subscribe\",\"room\":\"../etc\"}")
                                            << u"invalid_frame"_s << QString();
        QTest::newRow("after string") << QByteArray("{\"type\":\"subscribe\",\"room\":\"a\",\"after\":\"3\"}")
                                      << u"invalid_frame"_s << QString();
        QTest::newRow("after fraction") << QByteArray("{\"type\":\"subscribe\",\"room\":\"a\",\"after\":1.5}")
                                        << u"invalid_frame"_s << QString();
        QTest::newRow("after negative") << QByteArray("{\"type\":\"subscribe\",\"room\":\"a\",\"after\":-1}")
                                        << u"invalid_frame"_s << QString();
        QTest::newRow("send no clientId") << QByteArray("{\"type\":\"send\",\"room\":\"a\",\"body\":\"x\"}")
                                          << u"invalid_frame"_s << QString();
        QTest::newRow("send clientId too long")
                << (QByteArray("{\"type\":\"send\",\"room\":\"a\",\"body\":\"x\",\"clientId\":\"")
                    + QByteArray(65, 'c') + "\"}")
                << u"invalid_frame"_s << QString();
        QTest::newRow("send body number") << QByteArray("{\"type\":\"send\",\"room\":\"a\",\"clientId\":\"c\",\"body\":5}")
                                          << u"invalid_frame"_s << u"c"_s;
        QTest::newRow("send empty body") << QByteArray("{\"type\":\"send\",\"room\":\"a\",\"clientId\":\"c\",\"body\":\"\"}")
                                         << u"empty_body"_s << u"c"_s;
        QTest::newRow("send NUL body") << QByteArray("{\"type\":\"send\",\"room\":\"a\",\"clientId\":\"c\",\"body\":\"a\\u0000b\"}")
                                       << u"invalid_body"_s << u"c"_s;
        QTest::newRow("send lone surrogate") << QByteArray("{\"type\":\"send\",\"room\":\"a\",\"clientId\":\"c\",\"body\":\"\\ud800\"}")
                                             << u"invalid_body"_s << u"c"_s;
        QTest::newRow("send body too long")
                << (QByteArray("{\"type\":\"send\",\"room\":\"a\",\"clientId\":\"c\",\"body\":\"")
                    + QByteArray(4097, 'x') + "\"}")
                << u"body_too_long"_s << u"c"_s;
        // 1366 three-byte characters = 4098 bytes of UTF-8 though only 1366 UTF-16 units.
        QTest::newRow("send body too long in utf-8")
                << (QByteArray("{\"type\":\"send\",\"room\":\"a\",\"clientId\":\"c\",\"body\":\"")
                    + QString(1366, QChar(0x20AC)).toUtf8() + "\"}")
                << u"body_too_long"_s << u"c"_s;
        QTest::newRow("send unknown kind") << QByteArray("{\"type\":\"send\",\"room\":\"a\",\"clientId\":\"c\",\"kind\":\"poll\"}")
                                           << u"invalid_frame"_s << u"c"_s;
        QTest::newRow("send kind number") << QByteArray("{\"type\":\"send\",\"room\":\"a\",\"clientId\":\"c\",\"kind\":1,\"body\":\"x\"}")
                                          << u"invalid_frame"_s << u"c"_s;
        QTest::newRow("send member") << QByteArray("{\"type\":\"send\",\"room\":\"a\",\"clientId\":\"c\",\"kind\":\"member\",\"user\":\"bob\",\"change\":\"join\"}")
                                     << u"invalid_frame"_s << u"c"_s;
        QTest::newRow("edit without target") << QByteArray("{\"type\":\"send\",\"room\":\"a\",\"clientId\":\"c\",\"kind\":\"edit\",\"body\":\"x\"}")
                                             << u"invalid_frame"_s << u"c"_s;
        QTest::newRow("edit empty body") << QByteArray("{\"type\":\"send\",\"room\":\"a\",\"clientId\":\"c\",\"kind\":\"edit\",\"relatesTo\":\"5f1d0c7e-7e55-4c1c-a9a5-1b7a1bb0f4a3\",\"body\":\"\"}")
                                         << u"empty_body"_s << u"c"_s;
        QTest::newRow("reaction bad op") << QByteArray("{\"type\":\"send\",\"room\":\"a\",\"clientId\":\"c\",\"kind\":\"reaction\",\"relatesTo\":\"5f1d0c7e-7e55-4c1c-a9a5-1b7a1bb0f4a3\",\"key\":\"x\",\"op\":\"flip\"}")
                                         << u"invalid_frame"_s << u"c"_s;
        QTest::newRow("topic too long") << (QByteArray("{\"type\":\"send\",\"room\":\"a\",\"clientId\":\"c\",\"kind\":\"topic\",\"topic\":\"") + QByteArray(257, 't') + "\"}")
                                        << u"invalid_frame"_s << u"c"_s;
        QTest::newRow("send bad room") << QByteArray("{\"type\":\"send\",\"room\":\"A/B\",\"clientId\":\"c\",\"body\":\"x\"}")
                                       << u"invalid_frame"_s << u"c"_s;
        QTest::newRow("deeply nested") << (QByteArray(5000, '[') + QByteArray(5000, ']'))
                                       << u"bad_json"_s << QString();
    }

    void errorCodesAreOneTable()
    {
        // Every code round-trips, is unique, has a 4xx/5xx status and a message, and is
        // documented in docs/protocol.md; a code from a newer peer reads as Unknown.
        QFile doc(QStringLiteral(CHAT_SOURCE_DIR "/docs/protocol.md"));
        QVERIFY(doc.open(QIODevice::ReadOnly));
        const QString docs = QString::fromUtf8(doc.readAll());
        QSet<QString> seen;
        const QList<ErrorCode> all{
#define CHAT_ERROR_ITEM(name, code, status, message) ErrorCode::name,
            CHAT_ERROR_CODES(CHAT_ERROR_ITEM)
#undef CHAT_ERROR_ITEM
        };
        QCOMPARE(all.size(), 32);
        for (ErrorCode error : all) {
            const QString code = Errors::code(error);
            QVERIFY2(!seen.contains(code), qPrintable(code));
            seen.insert(code);
            QCOMPARE(Errors::fromCode(code), error);
            QVERIFY(Errors::httpStatus(error) >= 400 && Errors::httpStatus(error) < 600);
            QVERIFY(!Errors::defaultMessage(error).isEmpty());
            QVERIFY2(docs.contains(u"`%1`"_s.arg(code)), qPrintable(code + u" is not in docs/protocol.md"_s));
        }
        QCOMPARE(Errors::fromCode(u"from_a_newer_server"_s), ErrorCode::Unknown);
        QCOMPARE(QString(Errors::code(ErrorCode::Unknown)), u"unknown"_s);
        QVERIFY(Errors::isTransient(ErrorCode::RateLimited));
        QVERIFY(!Errors::isTransient(ErrorCode::BodyTooLong));
    }

    void rejectsMalformedClientFrames()
    {
        QFETCH(QByteArray, text);
        QFETCH(QString, code);
        QFETCH(QString, clientId);
        FrameError error;
        QVERIFY(!parseClientFrame(text, 4096, &error));
        QCOMPARE(QString(Errors::code(error.code)), code); // the code as it goes on the wire
        QCOMPARE(error.clientId, clientId);
        QVERIFY(!error.message.isEmpty());
    }

    void bodyAtTheLimitIsAccepted()
    {
        const ClientFrame f = ClientFrame::send(u"general"_s, u"c"_s,
                                                QString(1365, QChar(0x20AC)) + u"a"_s); // 4096 B of UTF-8
        FrameError error;
        QVERIFY(parseClientFrame(f.toJson(), 4096, &error));
        QVERIFY(!parseClientFrame(f.toJson(), 4095, &error));
    }

    void rejectsMalformedServerFrames()
    {
        QVERIFY(!ServerFrame::parse("{\"type\":\"ack\",\"clientId\":\"c\"}"));
        QVERIFY(!ServerFrame::parse("{\"type\":\"event\",\"event\":{\"id\":\"x\"}}"));
        QVERIFY(!ServerFrame::parse("{\"type\":\"event\",\"event\":{\"id\":\"x\",\"room\":\"r\",\"seq\":1,\"kind\":\"message\","
                                    "\"sender\":\"a\",\"body\":\"b\",\"clientId\":\"c\",\"ts\":\"yesterday\"}}"));
        QVERIFY(!ServerFrame::parse("{\"type\":\"event\",\"event\":5}"));
        // v1's message frame is gone: a v2 client does not know it.
        QVERIFY(!ServerFrame::parse("{\"type\":\"message\",\"message\":{}}"));
        QVERIFY(!ServerFrame::parse("{\"type\":\"subscribed\",\"room\":\"r\",\"lastSeq\":true}"));
        QVERIFY(!ServerFrame::parse("{\"type\":\"nope\"}"));
    }

    void names_data()
    {
        QTest::addColumn<QString>("name");
        QTest::addColumn<bool>("user");
        QTest::addColumn<bool>("room");
        QTest::newRow("simple") << u"alice"_s << true << true;
        QTest::newRow("upper") << u"Alice"_s << true << false;
        QTest::newRow("dots") << u"a.b-c_d"_s << true << false;
        QTest::newRow("room dash") << u"ops-2"_s << true << true;
        QTest::newRow("empty") << QString() << false << false;
        QTest::newRow("space") << u"a b"_s << false << false;
        QTest::newRow("slash") << u"a/b"_s << false << false;
        QTest::newRow("quote") << u"a'--"_s << false << false;
        QTest::newRow("unicode") << u"\u00e9"_s << false << false;
        QTest::newRow("33 chars") << QString(33, u'a') << false << true;
        QTest::newRow("65 chars") << QString(65, u'a') << false << false;
    }

    void names()
    {
        QFETCH(QString, name);
        QFETCH(bool, user);
        QFETCH(bool, room);
        QCOMPARE(Validation::isValidUserName(name), user);
        QCOMPARE(Validation::isValidRoomName(name), room);
    }

    void requestBodies()
    {
        QString error;
        QVERIFY(!Credentials::fromJson({{"username"_L1, u"a b"_s}, {"password"_L1, u"x"_s}}, &error));
        QVERIFY(!Credentials::fromJson({{"username"_L1, 5}, {"password"_L1, u"x"_s}}, &error));
        QVERIFY(error.contains(u"username"_s));
        QVERIFY(Credentials::fromJson({{"username"_L1, u"bob"_s}, {"password"_L1, u"x"_s}}));
        auto room = CreateRoomRequest::fromJson({{"name"_L1, u"ops"_s}});
        QVERIFY(room);
        QCOMPARE(room->isPrivate, false);
        QVERIFY(!CreateRoomRequest::fromJson({{"name"_L1, u"ops"_s}, {"private"_L1, u"yes"_s}}));
        QVERIFY(!CreateRoomRequest::fromJson({{"name"_L1, u"Ops"_s}}));
        EventSubmission event;
        QCOMPARE(EventSubmission::read({{"clientId"_L1, u""_s}, {"body"_L1, u"x"_s}}, 4096, &event, &error),
                 ErrorCode::InvalidRequest);
        QCOMPARE(EventSubmission::read({{"clientId"_L1, u"c"_s}, {"body"_L1, u"x"_s}, {"kind"_L1, u"member"_s}},
                                       4096, &event, &error),
                 ErrorCode::InvalidRequest);
        QVERIFY(error.contains(u"server"_s));
        QVERIFY(!EventSubmission::read({{"clientId"_L1, u"c"_s}, {"kind"_L1, u"delete"_s},
                                        {"relatesTo"_L1, u"5f1d0c7e-7e55-4c1c-a9a5-1b7a1bb0f4a3"_s},
                                        {"body"_L1, u"ignored"_s}, {"extra"_L1, 1}},
                                       4096, &event, &error));
        QCOMPARE(event.kind, EventKind::Delete);
        QVERIFY(event.body.isEmpty());
        QCOMPARE(event.fields.keys(), QStringList{u"relatesTo"_s}); // only the kind's own fields
        QVERIFY(!InviteRequest::fromJson({{"user"_L1, QJsonArray{}}}));
        QVERIFY(!Validation::passwordError(u"short"_s).isEmpty());
        QVERIFY(Validation::passwordError(u"long enough"_s).isEmpty());
    }
};

QTEST_GUILESS_MAIN(TestProtocol)
#include "tst_protocol.moc"
