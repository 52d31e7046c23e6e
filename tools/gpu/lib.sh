# Shared by the GPU scripts (sourced): builds the core and the `mosaic` CLI in the LibTorch-only
# configuration against the machine's LibTorch. Needs BUILD, JOBS, LOGS, prefix (LibTorch's CMake prefix,
# may be empty) and a stamp function; sets M to the CLI. What each retry is for: tools/gpu/train.sh's notes.
gpu_build() {
  gen=()
  command -v ninja >/dev/null && gen=(-G Ninja)
  configure() {
    cmake -S . -B "$BUILD" "${gen[@]}" -DCMAKE_BUILD_TYPE=Release -DMOSAIC_CORE_ONLY=ON -DMOSAIC_BUILD_TESTS=ON \
      -DMOSAIC_USE_CCACHE=OFF -DCMAKE_DISABLE_FIND_PACKAGE_spdlog=ON ${prefix:+-DCMAKE_PREFIX_PATH="$prefix"} "$@" > "$LOGS/configure.log" 2>&1
  }
  build() { cmake --build "$BUILD" -j "$JOBS" --target mosaic > "$LOGS/build.log" 2>&1; }
  if ! { configure && build; }; then
    if grep -qiE "c\+\+ ?20|cxx_std_20|std=c\+\+2" "$LOGS/configure.log" "$LOGS/build.log"; then
      stamp "this LibTorch asks for C++20: configuring again with it"
      rm -rf "$BUILD"
      { configure -DCMAKE_CXX_STANDARD=20 && build; } || { tail -40 "$LOGS/configure.log" "$LOGS/build.log"; exit 1; }
    else
      tail -40 "$LOGS/configure.log"; grep -B2 -A12 -m3 "error" "$LOGS/build.log" | head -80; exit 1
    fi
  fi
  M="$BUILD/app/mosaic"
  if ! "$M" --version > /dev/null 2>&1; then
    # (util/parallel.cpp's OpenMP runtime is the one thing this build links that LibTorch does not bring)
    stamp "the CLI does not start ($("$M" --version 2>&1 | head -1)): building again without OpenMP"
    configure -DMOSAIC_OPENMP=OFF && build || { tail -40 "$LOGS/build.log"; exit 1; }
  fi
  stamp "built: $("$M" --version); OpenMP runtime: $(ldd "$M" | grep -o 'libgomp[^ ]*' | sort -u | tr '\n' ' ')"
  # What the executables link first (libstdc++ must come before LibTorch, see CMakeLists.txt), and how
  # many std::filesystem symbols this LibTorch exports itself.
  { readelf -d "$M" | grep NEEDED | head -4
    echo "std::filesystem functions defined in $M itself (a static libstdc++): $(nm "$M" 2>/dev/null | grep -c ' [TW] _ZN[K]*St10filesystem')"
    tcpu="$(ldd "$M" | awk '/libtorch_cpu/ {print $3}')"
    [ -n "$tcpu" ] && echo "$tcpu exports $(nm -D --defined-only "$tcpu" 2>/dev/null | grep -c '_ZN[K]*St10filesystem') std::filesystem symbols"
  } > "$LOGS/link-order.txt" 2>&1
}
