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
       share/icons/hicolor/256x256/apps/io.github.mosaicstudio.MosaicStudio.png
       share/mosaic-studio/tokenizers/t5/spiece.model share/mosaic-studio/tokenizers/clip/vocab.json
       share/mosaic-studio/tokenizers/clip/merges.txt lib/mosaic-studio/libmosaic_sentencepiece.so)
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

# The installed text path: the shipped tokenizers and the SentencePiece module (first looked for
# beside the installed executable) from the installed tree, on the golden tiny encoders when they are there.
if(GOLDEN AND EXISTS "${GOLDEN}/text/t5_tiny/config.json")
  execute_process(COMMAND "${CMAKE_COMMAND}" -E env --unset=MOSAIC_SENTENCEPIECE_MODULE MOSAIC_PROMPT_CACHE=
                          "${PREFIX}/bin/mosaic" --no-log-file encode --t5 "${GOLDEN}/text/t5_tiny" --clip "${GOLDEN}/text/clip_tiny"
                          --prompt "a photo of a cat" --out "${PREFIX}/../install-test-encoded.safetensors"
                  RESULT_VARIABLE rc OUTPUT_VARIABLE out ERROR_VARIABLE err)
  if(NOT rc EQUAL 0 OR NOT out MATCHES "encoded: 8 T5 tokens of 512, 7 CLIP tokens of 77")
    message(FATAL_ERROR "installed mosaic encode failed (${rc}):\n${out}\n${err}")
  endif()
  if(NOT out MATCHES "T5 from ${_real}/share/mosaic-studio/tokenizers/t5/spiece.model, CLIP from ${_real}/share/mosaic-studio/tokenizers/clip")
    message(FATAL_ERROR "the installed mosaic encode did not use the installed tokenizers:\n${err}")
  endif()
  message(STATUS "installed mosaic encode: ${out}")
endif()
