// SPDX-License-Identifier: MIT
#include "timeordereduuid.h"

#include <QDateTime>
#include <QRandomGenerator>

#include <array>

QUuid createTimeOrderedUuid(qint64 msSinceEpoch)
{
    std::array<quint32, 3> random;
    QRandomGenerator::system()->fillRange(random.data(), random.size());
    const auto ms = quint64(msSinceEpoch) & 0xFFFF'FFFF'FFFFULL;
    const auto byte = [&](int i) { return uchar(random[1 + i / 4] >> (8 * (i % 4))); };
    return QUuid(uint(ms >> 16), ushort(ms & 0xFFFF),
                 ushort(0x7000 | (random[0] & 0x0FFF)),           // version 7, rand_a
                 uchar(0x80 | ((random[0] >> 12) & 0x3F)),         // variant 10, rand_b...
                 byte(0), byte(1), byte(2), byte(3), byte(4), byte(5), byte(6));
}

QUuid createTimeOrderedUuid()
{
    return createTimeOrderedUuid(QDateTime::currentMSecsSinceEpoch());
}
