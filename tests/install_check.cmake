# Run by CTest (install_tree): installs the build into PREFIX and runs the installed CLI from there.
# -DBUILD_DIR=... -DPREFIX=... [-DCONFIG=...] [-DFULL=1: the full build (app, OpenCV), not MOSAIC_CORE_ONLY]
file(REMOVE_RECURSE "${PREFIX}")
set(_config)
if(CONFIG)
  set(_config --config "${CONFIG}")
endif()
execute_process(COMMAND "${CMAKE_COMMAND}" --install "${BUILD_DIR}" --prefix "${PREFIX}" ${_config}
                RESULT_VARIABLE rc OUTPUT_VARIABLE out ERROR_VARIABLE err)
if(NOT rc EQUAL 0)
  message(FATAL_ERROR "cmake --install failed (${rc}):\n${out}\n${err}")
endif()

set(_expected bin/mosaic share/mosaic-studio/models/mosaic-toys.safetensors share/mosaic-studio/models/README.md
    share/mosaic-studio/recipes/toys.json share/mosaic-studio/demo/demo.json share/doc/mosaic-studio/copyright)
if(FULL)
  list(APPEND _expected bin/mosaic-studio share/mosaic-studio/translations/mosaic-studio_de.qm
       share/mosaic-studio/translations/mosaic-studio_zh_CN.qm
       share/applications/io.github.mosaicstudio.MosaicStudio.desktop
       share/metainfo/io.github.mosaicstudio.MosaicStudio.metainfo.xml
       share/icons/hicolor/scalable/apps/io.github.mosaicstudio.MosaicStudio.svg
       share/icons/hicolor/48x48/apps/io.github.mosaicstudio.MosaicStudio.png
       share/icons/hicolor/256x256/apps/io.github.mosaicstudio.MosaicStudio.png)
endif()
foreach(f IN LISTS _expected)
  if(NOT EXISTS "${PREFIX}/${f}")
    message(FATAL_ERROR "not installed: ${PREFIX}/${f}")
  endif()
endforeach()
# The product alone: the recipes of the shipped model's stages, MOSAIC's FLUX recipe and the ablation,
# and no experiment, GPU-run or test recipe.
file(GLOB_RECURSE _recipes RELATIVE "${PREFIX}/share/mosaic-studio/recipes" "${PREFIX}/share/mosaic-studio/recipes/*")
list(SORT _recipes)
set(_product README.md ablation/fm-sca-md.json ablation/fm-sca.json ablation/fm.json ae-4x-latent-noise.json
    flux-lora.json mixed-4x.json toys-4x-large.json toys-4x.json toys-ae-4x.json toys-ae-decoder.json
    toys-ae-subjects.json toys-ae.json toys-stage5.json toys.json)
list(SORT _product)
if(NOT _recipes STREQUAL _product)
  message(FATAL_ERROR "installed recipes are not the product's: ${_recipes}")
endif()

# The installed CLI: its version, then a short generation with no --model (and no $MOSAIC_MODEL):
# it must report the bundled model from the installed tree, not the source tree.
execute_process(COMMAND "${PREFIX}/bin/mosaic" --version RESULT_VARIABLE rc OUTPUT_VARIABLE out ERROR_VARIABLE err)
if(NOT rc EQUAL 0 OR NOT out MATCHES "^mosaic [0-9]+\\.[0-9]+\\.[0-9]+")
  message(FATAL_ERROR "installed mosaic --version failed (${rc}): ${out}${err}")
endif()
message(STATUS "installed: ${out}")
if(NOT FULL)
  return() # reading the reference image and writing the PNG need OpenCV
endif()
set(_image "${PREFIX}/../install-test-out.png")
file(REMOVE "${_image}")
execute_process(COMMAND "${CMAKE_COMMAND}" -E env --unset=MOSAIC_MODEL
                        "${PREFIX}/bin/mosaic" --no-log-file generate --prompt "a toy on a beach"
                        --ref "${PREFIX}/share/mosaic-studio/demo/subject1_pip.png" --steps 2 --seed 3 --out "${_image}"
                RESULT_VARIABLE rc OUTPUT_VARIABLE out ERROR_VARIABLE err)
if(NOT rc EQUAL 0)
  message(FATAL_ERROR "installed mosaic generate failed (${rc}):\n${out}\n${err}")
endif()
file(REAL_PATH "${PREFIX}" _real)
if(NOT err MATCHES "from ${_real}/share/mosaic-studio/models/mosaic-toys.safetensors")
  message(FATAL_ERROR "the installed mosaic did not use the installed model:\n${err}")
endif()
if(NOT EXISTS "${_image}")
  message(FATAL_ERROR "installed mosaic generate wrote no image")
endif()
file(SIZE "${_image}" _size)
message(STATUS "installed mosaic generate: ${_image} (${_size} bytes)")
