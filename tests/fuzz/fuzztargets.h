// SPDX-License-Identifier: MIT
#pragma once

#include <cstddef>
#include <cstdint>

// The fuzz entry points, callable without libFuzzer: tst_fuzzregressions replays the seed corpus
// and every input that once crashed through them in the ordinary test suite.
int fuzzClientFrame(const uint8_t *data, size_t size);
int fuzzServerFrame(const uint8_t *data, size_t size);
int fuzzHttpInput(const uint8_t *data, size_t size);
