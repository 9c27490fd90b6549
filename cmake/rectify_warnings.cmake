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

# The instruction-set variants every test is built for: no flags (SSE2), AVX2 with FMA, and
# AVX-512 (f, cd, bw, dq, vl). A cache variable, so that a sanitizer or second-compiler build
# can test fewer variants; "native" in it stands for the widest variant this machine runs.
set(RECTIFY_ARCH_VARIANTS "sse2;avx2;avx512" CACHE STRING
    "Instruction-set variants the tests are built for (of sse2, avx2, avx512, native)")

# The variants this machine runs, from the compiler's own view of it (-march=native, which
# also asks whether the OS saves the wider registers): RECTIFY_HOST_VARIANTS, and the widest
# of them, RECTIFY_NATIVE_VARIANT, which the benchmarks and tools are built for. The tests of
# a variant the machine cannot run are still built (they must compile) but registered as
# disabled (rectify_runnable_tests): ctest lists them as not run, never as failed.
if(NOT DEFINED RECTIFY_HOST_VARIANTS)
  execute_process(COMMAND ${CMAKE_CXX_COMPILER} -march=native -dM -E -x c++ /dev/null
                  OUTPUT_VARIABLE native_macros ERROR_QUIET RESULT_VARIABLE native_status)
  set(host_variants sse2)
  if(native_status EQUAL 0 AND native_macros MATCHES "__AVX2__" AND native_macros MATCHES "__FMA__")
    list(APPEND host_variants avx2)
    set(avx512_found TRUE)
    foreach(extension F CD BW DQ VL)
      if(NOT native_macros MATCHES "__AVX512${extension}__")
        set(avx512_found FALSE)
      endif()
    endforeach()
    if(avx512_found)
      list(APPEND host_variants avx512)
    endif()
  endif()
  set(RECTIFY_HOST_VARIANTS "${host_variants}" CACHE INTERNAL "Variants this machine runs")
endif()
list(GET RECTIFY_HOST_VARIANTS -1 RECTIFY_NATIVE_VARIANT)
list(TRANSFORM RECTIFY_ARCH_VARIANTS REPLACE "^native$" "${RECTIFY_NATIVE_VARIANT}")
list(REMOVE_DUPLICATES RECTIFY_ARCH_VARIANTS)
message(STATUS "rectify: tests built for ${RECTIFY_ARCH_VARIANTS}; this machine runs "
               "${RECTIFY_HOST_VARIANTS}")

# rectify_runnable_tests(variant test...): the tests run only where the machine runs variant.
function(rectify_runnable_tests variant)
  if(NOT variant IN_LIST RECTIFY_HOST_VARIANTS)
    set_tests_properties(${ARGN} PROPERTIES DISABLED TRUE)
  endif()
endfunction()

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
