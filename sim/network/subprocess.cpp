#include "sim/network/subprocess.h"

#include <sys/wait.h>
#include <unistd.h>

#include <cstdint>
#include <cstdio>
#include <cstring>
#include <exception>
#include <stdexcept>
#include <string>

namespace moesim::network {
namespace {

bool write_all(int fd, const void* data, std::size_t size) {
  const char* p = static_cast<const char*>(data);
  while (size > 0) {
    const ssize_t w = ::write(fd, p, size);
    if (w <= 0) return false;
    p += w;
    size -= static_cast<std::size_t>(w);
  }
  return true;
}

std::string read_all(int fd) {
  std::string out;
  char buf[65536];
  for (;;) {
    const ssize_t r = ::read(fd, buf, sizeof buf);
    if (r <= 0) break;
    out.append(buf, static_cast<std::size_t>(r));
  }
  return out;
}

}  // namespace

std::vector<double> run_in_subprocess(const std::function<std::vector<double>()>& work) {
  int fds[2];
  if (::pipe(fds) != 0) throw std::runtime_error("pipe() failed");
  std::fflush(nullptr);  // the child must not re-emit the parent's buffered output
  const pid_t pid = ::fork();
  if (pid < 0) throw std::runtime_error("fork() failed");
  if (pid == 0) {  // child: message = status byte, then doubles or an error text
    ::close(fds[0]);
    char status = 0;
    std::string payload;
    try {
      const std::vector<double> v = work();
      payload.assign(reinterpret_cast<const char*>(v.data()), v.size() * sizeof(double));
    } catch (const std::exception& e) {
      status = 1;
      payload = e.what();
    } catch (...) {
      status = 1;
      payload = "unknown exception";
    }
    const bool ok = write_all(fds[1], &status, 1) && write_all(fds[1], payload.data(), payload.size());
    ::close(fds[1]);
    ::_exit(ok ? 0 : 3);  // no atexit handlers / static destructors of the parent's state
  }
  ::close(fds[1]);
  const std::string message = read_all(fds[0]);
  ::close(fds[0]);
  int wstatus = 0;
  ::waitpid(pid, &wstatus, 0);
  if (message.empty() || !WIFEXITED(wstatus) || WEXITSTATUS(wstatus) != 0)
    throw std::runtime_error("simulation subprocess died (status " + std::to_string(wstatus) + ")");
  if (message[0] != 0) throw std::runtime_error(message.substr(1));
  std::vector<double> v((message.size() - 1) / sizeof(double));
  std::memcpy(v.data(), message.data() + 1, v.size() * sizeof(double));
  return v;
}

}  // namespace moesim::network
