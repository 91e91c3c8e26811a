// SPDX-License-Identifier: MIT
// Fuzz target: WebSocket client frames as the server decodes them. A frame that parses must
// serialise and parse back to the same frame.
#include "fuzztargets.h"

#include "protocol.h"

#include <cstdlib>

int fuzzClientFrame(const uint8_t *data, size_t size)
{
    const QByteArray input = QByteArray::fromRawData(reinterpret_cast<const char *>(data), qsizetype(size));
    FrameError error;
    const auto frame = parseClientFrame(input, 4096, &error);
    if (!frame) {
        if (error.code == ErrorCode::Unknown || error.message.isEmpty())
            std::abort(); // every refusal names its reason
        return 0;
    }
    FrameError again;
    const auto reparsed = parseClientFrame(frame->toJson(), 4096, &again);
    if (!reparsed || reparsed->type != frame->type || reparsed->room != frame->room
        || reparsed->after != frame->after || reparsed->event.clientId != frame->event.clientId
        || reparsed->event.kind != frame->event.kind || reparsed->event.body != frame->event.body
        || reparsed->event.fields != frame->event.fields)
        std::abort();
    return 0;
}

#ifdef CHAT_LIBFUZZER
extern "C" int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    return fuzzClientFrame(data, size);
}
#endif
