// Which sanitizer this translation unit is built with: RSSVIZ_ASAN, RSSVIZ_TSAN (1 or 0).
// GCC says so with __SANITIZE_ADDRESS__ / __SANITIZE_THREAD__, clang (the sanitizer
// presets' compiler) only through __has_feature.
#pragma once

#if defined(__SANITIZE_ADDRESS__)
#define RSSVIZ_ASAN 1
#elif defined(__has_feature)
#if __has_feature(address_sanitizer)
#define RSSVIZ_ASAN 1
#endif
#endif
#ifndef RSSVIZ_ASAN
#define RSSVIZ_ASAN 0
#endif

#if defined(__SANITIZE_THREAD__)
#define RSSVIZ_TSAN 1
#elif defined(__has_feature)
#if __has_feature(thread_sanitizer)
#define RSSVIZ_TSAN 1
#endif
#endif
#ifndef RSSVIZ_TSAN
#define RSSVIZ_TSAN 0
#endif
