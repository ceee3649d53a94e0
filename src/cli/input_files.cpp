// input_files.cpp — see input_files.h.
#include "cli/input_files.h"

#include "cli/exit_codes.h"

#include <cerrno>
#include <cstring>

#include <fcntl.h>
#include <unistd.h>

namespace mgcli {

namespace {

class Fd {
public:
    explicit Fd(int fd, bool owned) : fd_(fd), owned_(owned) {}
    ~Fd()
    {
        if (owned_ && fd_ >= 0)
            close(fd_);
    }
    Fd(const Fd &) = delete;
    Fd &operator=(const Fd &) = delete;
    int get() const { return fd_; }

private:
    int fd_;
    bool owned_;
};

} // namespace

std::string read_input_file(const std::string &path, const char *what)
{
    std::string name = path == "-" ? "standard input" : "\"" + path + "\"";
    Fd fd(path == "-" ? STDIN_FILENO : open(path.c_str(), O_RDONLY | O_CLOEXEC), path != "-");
    if (fd.get() < 0)
        throw CliError(std::string("could not open ") + what + " " + name + ": " + std::strerror(errno));
    std::string content;
    char buf[1 << 16];
    for (;;) {
        ssize_t n = read(fd.get(), buf, sizeof buf);
        if (n < 0 && errno == EINTR)
            continue;
        if (n < 0)
            throw CliError(std::string("could not read ") + what + " " + name + ": " + std::strerror(errno));
        if (n == 0)
            break;
        content.append(buf, static_cast<size_t>(n));
    }
    size_t nul = content.find('\0');
    if (nul != std::string::npos)
        throw CliError(std::string(what) + " " + name + " holds a NUL byte at offset " + std::to_string(nul) +
                       ": not a text file");
    return content;
}

std::string json_argument(const std::string &arg, const char *option)
{
    if (!arg.empty() && arg[0] == '@')
        return read_input_file(arg.substr(1), option);
    return arg;
}

} // namespace mgcli
