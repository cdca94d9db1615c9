# Command-line tools (tools/nxzip, tools/nxz-run): issue 14.
include(cmake/nxz_run.cmake)
# nxzip, a gzip drop-in with parallel compression (tools/nxzip).
if(EXISTS ${CMAKE_SOURCE_DIR}/cmake/nxzip.cmake)
  include(cmake/nxzip.cmake)
endif()
