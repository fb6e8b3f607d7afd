#pragma once
/// curvecast version: the one place it is written (CMakeLists.txt reads it for project(VERSION)).
#define CURVECAST_VERSION_MAJOR 0
#define CURVECAST_VERSION_MINOR 2
#define CURVECAST_VERSION_PATCH 0
namespace curvecast {
inline constexpr const char* kVersion = "0.2.0";
}  // namespace curvecast
