# rectify_strict_warnings(target): warnings are errors in the project's own targets.
function(rectify_strict_warnings target)
  target_compile_options(${target} PRIVATE -Wall -Wextra -Wpedantic -Werror)
  set_target_properties(${target} PROPERTIES CXX_EXTENSIONS OFF)
  if(CMAKE_CXX_COMPILER_ID STREQUAL "GNU" AND CMAKE_CXX_FLAGS MATCHES "-fsanitize")
    # GCC 12 under -fsanitize reports maybe-uninitialized inside libstdc++'s <regex> (reached
    # through Catch2): a false positive outside our code.
    target_compile_options(${target} PRIVATE -Wno-maybe-uninitialized)
  endif()
endfunction()

# The instruction-set variants every test and benchmark is built for: no flags (SSE2),
# AVX2 with FMA, and AVX-512 (the extensions of this project's machines).
# A cache variable, so that a sanitizer or second-compiler build can test fewer variants.
set(RECTIFY_ARCH_VARIANTS "sse2;avx2;avx512" CACHE STRING
    "Instruction-set variants the tests are built for (of sse2, avx2, avx512)")
set(RECTIFY_ARCH_FLAGS_sse2 "")
set(RECTIFY_ARCH_FLAGS_avx2 -mavx2 -mfma)
set(RECTIFY_ARCH_FLAGS_avx512 -mavx512f -mavx512cd -mavx512bw -mavx512dq -mavx512vl -mavx2 -mfma)

# rectify_arch_variant(target variant): compiles target for one of RECTIFY_ARCH_VARIANTS.
function(rectify_arch_variant target variant)
  target_compile_options(${target} PRIVATE ${RECTIFY_ARCH_FLAGS_${variant}})
  target_compile_definitions(${target} PRIVATE RECTIFY_ARCH_VARIANT="${variant}")
  if(variant STREQUAL "avx512" AND CMAKE_CXX_COMPILER_ID STREQUAL "GNU"
     AND CMAKE_CXX_COMPILER_VERSION VERSION_LESS 12.3)
    # GCC bug 105593: GCC < 12.3 warns that its own _mm512_undefined_* helpers (`__Y = __Y`)
    # are uninitialized when xsimd's AVX-512 shifts are inlined. Not our code; fixed in 12.3.
    target_compile_options(${target} PRIVATE -Wno-uninitialized -Wno-maybe-uninitialized)
  endif()
endfunction()
