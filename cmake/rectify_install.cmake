include(GNUInstallDirs)
include(CMakePackageConfigHelpers)

install(DIRECTORY include/rectify DESTINATION ${CMAKE_INSTALL_INCLUDEDIR})
install(TARGETS rectify EXPORT rectify-targets)
install(EXPORT rectify-targets NAMESPACE rectify::
        DESTINATION ${CMAKE_INSTALL_DATADIR}/cmake/rectify)

configure_package_config_file(cmake/rectify-config.cmake.in
  ${CMAKE_CURRENT_BINARY_DIR}/rectify-config.cmake
  INSTALL_DESTINATION ${CMAKE_INSTALL_DATADIR}/cmake/rectify)
# Header-only: the version file does not check the architecture (like xsimd's).
write_basic_package_version_file(${CMAKE_CURRENT_BINARY_DIR}/rectify-config-version.cmake
  COMPATIBILITY SameMajorVersion ARCH_INDEPENDENT)
install(FILES ${CMAKE_CURRENT_BINARY_DIR}/rectify-config.cmake
              ${CMAKE_CURRENT_BINARY_DIR}/rectify-config-version.cmake
        DESTINATION ${CMAKE_INSTALL_DATADIR}/cmake/rectify)

configure_file(cmake/rectify.pc.in ${CMAKE_CURRENT_BINARY_DIR}/rectify.pc @ONLY)
install(FILES ${CMAKE_CURRENT_BINARY_DIR}/rectify.pc DESTINATION ${CMAKE_INSTALL_DATADIR}/pkgconfig)
