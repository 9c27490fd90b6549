# Death test for the -fno-exceptions build: runs PROGRAM with one misuse (ARG) and passes only
# if the program does not exit normally (rectify aborts) and its stderr starts with
# "rectify: " followed by text matching EXPECT.
#   cmake -DPROGRAM=... -DARG=... -DEXPECT=... -P no_exceptions_death.cmake
execute_process(COMMAND "${PROGRAM}" "${ARG}" RESULT_VARIABLE result OUTPUT_VARIABLE out
                ERROR_VARIABLE err)
message(STATUS "${PROGRAM} ${ARG}: result '${result}', stderr: ${err}")
if(result STREQUAL "0")
  message(FATAL_ERROR "the misuse '${ARG}' was not caught: the program exited normally")
endif()
if(result MATCHES "^[0-9]+$")
  # Exited with a code rather than a signal: not rectify's abort().
  message(FATAL_ERROR "the misuse '${ARG}' ended with exit code ${result}, not an abort")
endif()
if(NOT err MATCHES "^rectify: ${EXPECT}")
  message(FATAL_ERROR "stderr does not start with 'rectify: ${EXPECT}'")
endif()
