# CPack: `cpack -G DEB` in a build folder makes mosaic-studio_<version>_<arch>.deb (README, "Install").
# Runtime dependencies come from dpkg-shlibdeps on the installed executables (LibTorch, Qt 6, OpenCV,
# spdlog ...; the Qt platform plugins ship in libqt6gui6); OpenBLAS is recommended because Debian's LibTorch runs 13x slower on the reference BLAS.
# A CJK font is recommended for the Chinese interface (without one its text shows as empty boxes).
set(CPACK_PACKAGE_NAME "mosaic-studio")
set(CPACK_PACKAGE_VENDOR "The MOSAIC Studio developers")
set(CPACK_PACKAGE_CONTACT "The MOSAIC Studio developers <mosaic-studio@users.noreply.github.com>")
set(CPACK_PACKAGE_DESCRIPTION_SUMMARY "Multi-subject personalized image generation (MOSAIC) desktop studio")
string(CONCAT CPACK_PACKAGE_DESCRIPTION
    "MOSAIC Studio composes one image from several reference subjects and a prompt with the MOSAIC method on a\n"
    "FLUX-architecture model, and shows where each subject's attention landed. It includes the mosaic-studio\n"
    "desktop app, the mosaic command line (generate, train, eval, dataset tools) and a small bundled model\n"
    "(MOSAIC-Toys) that runs on any CPU.")
set(CPACK_PACKAGE_HOMEPAGE_URL "https://github.com/mosaicstudio/mosaic-studio")
set(CPACK_RESOURCE_FILE_LICENSE "${PROJECT_SOURCE_DIR}/LICENSE")
set(CPACK_PACKAGING_INSTALL_PREFIX "/usr")
set(CPACK_STRIP_FILES ON)
set(CPACK_DEBIAN_FILE_NAME DEB-DEFAULT)
set(CPACK_DEBIAN_PACKAGE_SECTION "graphics")
set(CPACK_DEBIAN_PACKAGE_SHLIBDEPS ON)
set(CPACK_DEBIAN_PACKAGE_RECOMMENDS "libopenblas0-openmp | libopenblas0, qt6-translations-l10n, fonts-noto-cjk | fonts-wqy-microhei, desktop-file-utils, shared-mime-info")
set(CPACK_DEBIAN_PACKAGE_GENERATE_SHLIBS OFF)
if(NOT CPACK_GENERATOR)
  set(CPACK_GENERATOR "DEB")
endif()
# Only what the package needs: the tests' targets install nothing.
include(CPack)
