# nxz-run (tools/nxz-run): runs a program with libnxz.so preloaded. Issue 14.
