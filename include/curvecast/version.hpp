#pragma once
/// curvecast version, kept in step with CMakeLists.txt's project(VERSION).
#define CURVECAST_VERSION_MAJOR 0
#define CURVECAST_VERSION_MINOR 2
#define CURVECAST_VERSION_PATCH 0
namespace curvecast {
inline constexpr const char* kVersion = "0.2.0";
}  // namespace curvecast
