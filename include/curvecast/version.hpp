#pragma once
/// curvecast version, kept in step with CMakeLists.txt's project(VERSION).
#define CURVECAST_VERSION_MAJOR 0
#define CURVECAST_VERSION_MINOR 1
#define CURVECAST_VERSION_PATCH 0
namespace curvecast {
inline constexpr const char* kVersion = "0.1.0";
}  // namespace curvecast
