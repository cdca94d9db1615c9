include(cmake/nxz_run.cmake)
# Command-line tools (tools/nxzip, tools/nxz-run): issue 14.
