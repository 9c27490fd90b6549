# Debian's xsimd package config names a link dependency `xtl` that Debian does not ship;
# an empty INTERFACE target of that name satisfies it (xsimd needs xtl only for xtl::xcomplex).
if(NOT TARGET xtl)
  add_library(xtl INTERFACE IMPORTED GLOBAL)
endif()
find_package(xsimd 8 CONFIG REQUIRED)
