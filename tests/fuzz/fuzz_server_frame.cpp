// SPDX-License-Identifier: MIT
// Fuzz target: server frames as clients decode them; round trip as for client frames.
#include "fuzztargets.h"

#include "protocol.h"

#include <QJsonDocument>
#include <QJsonObject>

#include <cstdlib>

int fuzzServerFrame(const uint8_t *data, size_t size)
{
    const QByteArray input = QByteArray::fromRawData(reinterpret_cast<const char *>(data), qsizetype(size));
    const auto frame = ServerFrame::parse(input);
    if (!frame)
        return 0;
    const QByteArray text = frame->toJson();
    const auto reparsed = ServerFrame::parse(text);
    if (!reparsed || reparsed->toJson() != text)
        std::abort();
    return 0;
}

#ifdef CHAT_LIBFUZZER
extern "C" int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    return fuzzServerFrame(data, size);
}
#endif
