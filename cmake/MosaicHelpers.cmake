# Shared CMake helpers for the MOSAIC Studio targets.

# Warnings for the project's own code (LibTorch/Qt headers come in as system includes).
function(mosaic_set_warnings target)
  if(CMAKE_CXX_COMPILER_ID MATCHES "GNU|Clang")
    target_compile_options(${target} PRIVATE -Wall -Wextra -Wpedantic -Wno-unused-parameter)
  endif()
endfunction()

# nlohmann-json: the Debian package, or a header-only copy in .deps/ (for the LibTorch-only
# build on machines without the package; `scripts/vendor-headers.sh` puts it there).
macro(mosaic_find_json)
  find_package(nlohmann_json 3.9 CONFIG QUIET)
  if(NOT nlohmann_json_FOUND)
    set(_mosaic_json_dir "${CMAKE_CURRENT_SOURCE_DIR}/.deps/include")
    if(EXISTS "${_mosaic_json_dir}/nlohmann/json.hpp")
      add_library(nlohmann_json::nlohmann_json INTERFACE IMPORTED)
      target_include_directories(nlohmann_json::nlohmann_json SYSTEM INTERFACE "${_mosaic_json_dir}")
      message(STATUS "MOSAIC: using the vendored nlohmann/json.hpp from .deps/include")
    else()
      message(FATAL_ERROR "nlohmann-json not found: install nlohmann-json3-dev, or run scripts/vendor-headers.sh")
    endif()
  endif()
endmacro()

# Qt's strict mode for every target that uses Qt (QT_NO_KEYWORDS keeps Qt's `slots` macro away
# from LibTorch headers, pytorch#19405).
function(mosaic_qt_defines target)
  target_compile_definitions(${target} PUBLIC
    QT_NO_KEYWORDS QT_NO_CAST_FROM_ASCII QT_NO_URL_CAST_FROM_STRING QT_NO_CAST_TO_ASCII
    QT_USE_QSTRINGBUILDER)
endfunction()
