// The library's dynamic symbol table is Debian libz.so.1's, names and
// version nodes, plus nxz_* and nothing else (no C++ internals).
#include <dlfcn.h>
#include <gtest/gtest.h>
#include <zlib.h>

#include <cstdio>
#include <set>
#include <string>

#include "api/ref_zlib.h"

namespace nxz::test {
namespace {

std::set<std::string> exported(const std::string& path) {
  std::set<std::string> names;
  const std::string cmd = "nm -D --defined-only --with-symbol-versions '" + path + "' 2>/dev/null";
  FILE* p = popen(cmd.c_str(), "r");
  if (!p) return names;
  char line[1024];
  while (std::fgets(line, sizeof line, p)) {
    std::string s(line);
    while (!s.empty() && (s.back() == '\n' || s.back() == ' ')) s.pop_back();
    const size_t sp = s.rfind(' ');
    names.insert(sp == std::string::npos ? s : s.substr(sp + 1));
  }
  pclose(p);
  return names;
}

std::string our_library() {
  Dl_info info{};
  EXPECT_NE(dladdr(reinterpret_cast<void*>(&deflateInit_), &info), 0);
  return info.dli_fname ? info.dli_fname : "";
}

TEST(ZlibExports, SameSymbolsAndVersionsAsTheSystemZlib) {
  const std::set<std::string> theirs = exported(NXZ_SYSTEM_ZLIB);
  const std::set<std::string> ours_all = exported(our_library());
  ASSERT_GE(theirs.size(), 88u) << "nm could not read " << NXZ_SYSTEM_ZLIB;
  std::set<std::string> ours;
  for (const std::string& s : ours_all) {
    if (s.rfind("nxz_", 0) == 0) continue;  // the library's own API
    ours.insert(s);
  }
  for (const std::string& s : theirs) EXPECT_TRUE(ours.count(s)) << "missing: " << s;
  for (const std::string& s : ours) EXPECT_TRUE(theirs.count(s)) << "extra export: " << s;
}

TEST(ZlibExports, ThisBinaryBindsToNxz) {
  EXPECT_NE(our_library().find("libnxz"), std::string::npos) << our_library();
}

TEST(ZlibMisc, VersionFlagsAndErrorStrings) {
  const RefZlib& r = ref();
  EXPECT_STREQ(zlibVersion(), r.zlibVersion());
  EXPECT_STREQ(zlibVersion(), ZLIB_VERSION);
  EXPECT_EQ(zlibCompileFlags(), r.zlibCompileFlags());
  for (int code = -6; code <= 2; ++code) EXPECT_STREQ(zError(code), r.zError(code)) << code;
  const z_crc_t* ours = get_crc_table();
  const z_crc_t* theirs = r.get_crc_table();
  for (int i = 0; i < 256; ++i) ASSERT_EQ(ours[i], theirs[i]) << i;
}

TEST(ZlibMisc, ChecksumsMatchTheSystemZlib) {
  const RefZlib& r = ref();
  const Bytes data = random_bytes(200000, 21);
  for (size_t n :
       {size_t{0}, size_t{1}, size_t{15}, size_t{100}, size_t{5552}, size_t{65537}, data.size()}) {
    for (size_t off : {size_t{0}, size_t{3}}) {
      const size_t len = std::min(n, data.size() - off);
      EXPECT_EQ(crc32_z(0, data.data() + off, len), r.crc32_z(0, data.data() + off, len));
      EXPECT_EQ(crc32(0x12345678, data.data() + off, static_cast<uInt>(len)),
                r.crc32_z(0x12345678, data.data() + off, len));
      EXPECT_EQ(adler32_z(1, data.data() + off, len), r.adler32_z(1, data.data() + off, len));
      EXPECT_EQ(adler32(0xfff0fff0, data.data() + off, static_cast<uInt>(len)),
                r.adler32_z(0xfff0fff0, data.data() + off, len));
    }
  }
  EXPECT_EQ(crc32(77, nullptr, 10), r.crc32_z(77, nullptr, 10));
  EXPECT_EQ(adler32(77, nullptr, 10), r.adler32_z(77, nullptr, 10));
  for (z_off64_t len2 : {z_off64_t{0}, z_off64_t{1}, z_off64_t{1000}, z_off64_t{1} << 33}) {
    EXPECT_EQ(crc32_combine64(0xdeadbeef, 0x01234567, len2),
              r.crc32_combine64(0xdeadbeef, 0x01234567, len2));
    EXPECT_EQ(crc32_combine(0xdeadbeef, 0x01234567, static_cast<z_off_t>(len2)),
              r.crc32_combine64(0xdeadbeef, 0x01234567, len2));
    EXPECT_EQ(adler32_combine64(0x0deadbee, 0x01234567, len2),
              r.adler32_combine64(0x0deadbee, 0x01234567, len2));
    EXPECT_EQ(adler32_combine(0x0deadbee, 0x01234567, static_cast<z_off_t>(len2)),
              r.adler32_combine64(0x0deadbee, 0x01234567, len2));
    const uLong op = crc32_combine_gen64(len2);
    EXPECT_EQ(op, r.crc32_combine_gen64(len2));
    EXPECT_EQ(crc32_combine_gen(static_cast<z_off_t>(len2)), op);
    EXPECT_EQ(crc32_combine_op(0xdeadbeef, 0x01234567, op),
              r.crc32_combine_op(0xdeadbeef, 0x01234567, op));
  }
  EXPECT_EQ(adler32_combine64(1, 1, -1), r.adler32_combine64(1, 1, -1));
}

}  // namespace
}  // namespace nxz::test
