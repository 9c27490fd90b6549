# cmake -DRECTIFY_BUILD_DIR=<configured rectify build> -DRECTIFY_SOURCE_DIR=<rectify sources>
#       -DWORK_DIR=<scratch directory> [-DCXX_COMPILER=<c++>] -P run_consumers.cmake
#
# Tests the package the way users consume it: installs RECTIFY_BUILD_DIR to a prefix under
# WORK_DIR (cmake --install), then configures, builds and runs
#   find_package/      against that prefix, and
#   add_subdirectory/  against RECTIFY_SOURCE_DIR.
set(here ${CMAKE_CURRENT_LIST_DIR})
set(prefix ${WORK_DIR}/prefix)
file(REMOVE_RECURSE ${WORK_DIR})

function(run)
  execute_process(COMMAND ${ARGN} RESULT_VARIABLE status OUTPUT_VARIABLE out ERROR_VARIABLE out)
  if(NOT status EQUAL 0)
    string(REPLACE ";" " " command "${ARGN}")
    message(FATAL_ERROR "failed (${status}): ${command}\n${out}")
  endif()
  message("${out}")
endfunction()

set(compiler)
if(CXX_COMPILER)
  set(compiler -DCMAKE_CXX_COMPILER=${CXX_COMPILER})
endif()

run(${CMAKE_COMMAND} --install ${RECTIFY_BUILD_DIR} --prefix ${prefix})

set(find_package_options -DCMAKE_PREFIX_PATH=${prefix})
set(add_subdirectory_options -DRECTIFY_SOURCE_DIR=${RECTIFY_SOURCE_DIR})
foreach(consumer find_package add_subdirectory)
  set(build ${WORK_DIR}/${consumer})
  run(${CMAKE_COMMAND} -S ${here}/${consumer} -B ${build} ${compiler} -DCMAKE_BUILD_TYPE=Release
      ${${consumer}_options})
  run(${CMAKE_COMMAND} --build ${build})
  run(${build}/consumer)
endforeach()
