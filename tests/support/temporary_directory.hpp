// A fresh directory under the system's temporary directory, removed with everything in
// it when the test ends, even the folders a test made unreadable.
#pragma once

#include <catch2/catch.hpp>

#include <stdlib.h>
#include <sys/stat.h>

#include <filesystem>
#include <fstream>
#include <string>

namespace scadenzario::test {

class TemporaryDirectory {
public:
  explicit TemporaryDirectory(const std::string& purpose = "test") {
    std::string pattern = (std::filesystem::temp_directory_path() / ("scadenzario-" + purpose + "-XXXXXX")).string();
    REQUIRE(::mkdtemp(pattern.data()) != nullptr);
    m_path = pattern;
  }
  TemporaryDirectory(const TemporaryDirectory&) = delete;
  TemporaryDirectory& operator=(const TemporaryDirectory&) = delete;
  ~TemporaryDirectory() {
    namespace fs = std::filesystem;
    std::error_code ignored;
    fs::permissions(m_path, fs::perms::owner_all, fs::perm_options::add, ignored);
    for (auto it = fs::recursive_directory_iterator(m_path, ignored); it != fs::recursive_directory_iterator();
         it.increment(ignored)) {
      if (it->is_directory(ignored)) fs::permissions(it->path(), fs::perms::owner_all, fs::perm_options::add, ignored);
    }
    fs::remove_all(m_path, ignored);
  }

  const std::filesystem::path& path() const { return m_path; }
  std::filesystem::path operator/(const std::string& name) const { return m_path / name; }

  // Writes `content` to `name` (parents made as needed) with `mode`; returns its path.
  std::filesystem::path write(const std::string& name, const std::string& content, mode_t mode = 0600) const {
    const std::filesystem::path file = m_path / name;
    std::filesystem::create_directories(file.parent_path());
    std::ofstream(file, std::ios::binary) << content;
    REQUIRE(::chmod(file.c_str(), mode) == 0);
    return file;
  }

private:
  std::filesystem::path m_path;
};

}  // namespace scadenzario::test
