# cmake -DPROGRAM=<program> -DEXPECT=<file> [-DARGS=<a;b>] -P check_output.cmake
# Runs PROGRAM; fails unless it exits with 0 and every line of EXPECT, a regular expression,
# matches somewhere in its standard output. Lines starting with # are comments; \n in a
# pattern stands for a newline, so a pattern can pin down consecutive lines.
execute_process(COMMAND ${PROGRAM} ${ARGS} RESULT_VARIABLE status OUTPUT_VARIABLE output
                ERROR_VARIABLE errors)
message("${output}")
if(NOT status EQUAL 0)
  message(FATAL_ERROR "${PROGRAM} exited with ${status}\n${errors}")
endif()
file(STRINGS ${EXPECT} patterns)
set(missing 0)
foreach(pattern IN LISTS patterns)
  if(pattern STREQUAL "" OR pattern MATCHES "^#")
    continue()
  endif()
  string(REPLACE "\\n" "\n" pattern "${pattern}")
  if(NOT output MATCHES "${pattern}")
    message(SEND_ERROR "output does not match: ${pattern}")
    math(EXPR missing "${missing} + 1")
  endif()
endforeach()
if(missing GREATER 0)
  message(FATAL_ERROR "${missing} expected pattern(s) not found in the output of ${PROGRAM}")
endif()
