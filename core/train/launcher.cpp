// `mosaic train --nproc N`: N worker processes on this machine as the ranks of one data-parallel job
// (mosaic/train.h's runLocalJob), with the environment that torchrun gives its workers.
#include <mosaic/train.h>

#include "train/distributed.h"
#include "util/strings.h"

#include <arpa/inet.h>
#include <fcntl.h>
#include <netinet/in.h>
#include <sys/socket.h>
#include <sys/wait.h>
#include <unistd.h>

#include <atomic>
#include <chrono>
#include <csignal>
#include <cstring>
#include <thread>

namespace mosaic {

namespace {

std::atomic<int> g_forward{0}; // a signal the launcher got, to pass on to the workers

extern "C" void onLauncherSignal(int sig)
{
    g_forward = sig;
}

// A port that nothing listens on now (the kernel's choice); rank 0 binds it moments later.
int freePort()
{
    const int fd = ::socket(AF_INET, SOCK_STREAM, 0);
    if (fd < 0)
        return 29500;
    sockaddr_in a{};
    a.sin_family = AF_INET;
    a.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
    a.sin_port = 0;
    socklen_t len = sizeof a;
    int port = 29500;
    if (::bind(fd, reinterpret_cast<sockaddr *>(&a), sizeof a) == 0 &&
        ::getsockname(fd, reinterpret_cast<sockaddr *>(&a), &len) == 0)
        port = ntohs(a.sin_port);
    ::close(fd);
    return port;
}

std::string ending(int status)
{
    if (WIFEXITED(status))
        return format("exited with status {}", WEXITSTATUS(status));
    if (WIFSIGNALED(status))
        return format("was killed by signal {} ({})", WTERMSIG(status), ::strsignal(WTERMSIG(status)));
    return "ended";
}

int exitCode(int status)
{
    if (WIFEXITED(status))
        return WEXITSTATUS(status);
    if (WIFSIGNALED(status))
        return 128 + WTERMSIG(status);
    return 1;
}

} // namespace

bool distributedTrainingAvailable(std::string *why)
{
    return train::ProcessGroup::available(why);
}

int runLocalJob(const std::vector<std::string> &command, int nproc, double graceSeconds, std::string *summary,
                const std::string &outputFile)
{
    if (command.empty() || nproc < 1)
        return 2;
    const int port = freePort();
    std::vector<char *> argv;
    for (const auto &a : command)
        argv.push_back(const_cast<char *>(a.c_str()));
    argv.push_back(nullptr);
    struct sigaction forward{}, oldInt{}, oldTerm{};
    forward.sa_handler = onLauncherSignal;
    sigemptyset(&forward.sa_mask);
    ::sigaction(SIGINT, &forward, &oldInt);
    ::sigaction(SIGTERM, &forward, &oldTerm);
    g_forward = 0;

    std::vector<pid_t> pids;
    for (int r = 0; r < nproc; ++r) {
        const pid_t pid = ::fork();
        if (pid == 0) {
            ::sigaction(SIGINT, &oldInt, nullptr);
            ::sigaction(SIGTERM, &oldTerm, nullptr);
            ::setenv("RANK", std::to_string(r).c_str(), 1);
            ::setenv("LOCAL_RANK", std::to_string(r).c_str(), 1);
            ::setenv("WORLD_SIZE", std::to_string(nproc).c_str(), 1);
            ::setenv("LOCAL_WORLD_SIZE", std::to_string(nproc).c_str(), 1);
            ::setenv("MASTER_ADDR", "127.0.0.1", 1);
            ::setenv("MASTER_PORT", std::to_string(port).c_str(), 1);
            ::unsetenv("TORCHELASTIC_USE_AGENT_STORE");
            if (!outputFile.empty()) {
                const int fd = ::open(outputFile.c_str(), O_WRONLY | O_CREAT | O_APPEND, 0644);
                if (fd >= 0) {
                    ::dup2(fd, 1);
                    ::dup2(fd, 2);
                    ::close(fd);
                }
            }
            ::execv("/proc/self/exe", argv.data());
            ::execvp(argv[0], argv.data());
            std::fprintf(stderr, "mosaic train: cannot start rank %d: %s\n", r, std::strerror(errno));
            ::_exit(127);
        }
        if (pid < 0) {
            for (pid_t p : pids)
                ::kill(p, SIGTERM);
            for (pid_t p : pids)
                ::waitpid(p, nullptr, 0);
            ::sigaction(SIGINT, &oldInt, nullptr);
            ::sigaction(SIGTERM, &oldTerm, nullptr);
            if (summary)
                *summary = format("cannot start {} workers: {}", nproc, std::strerror(errno));
            return 1;
        }
        pids.push_back(pid);
    }

    // Wait for every rank. When one fails, the others get graceSeconds to notice it and stop with
    // their own message (c10d's timeout); then they are stopped.
    std::vector<int> status(pids.size(), 0);
    std::vector<bool> done(pids.size(), false);
    size_t left = pids.size();
    int firstFailure = -1;
    std::chrono::steady_clock::time_point failedAt;
    bool terminated = false, killed = false;
    std::string lines;
    while (left > 0) {
        if (const int sig = g_forward.exchange(0))
            for (size_t r = 0; r < pids.size(); ++r)
                if (!done[r])
                    ::kill(pids[r], sig);
        int st = 0;
        const pid_t pid = ::waitpid(-1, &st, WNOHANG);
        if (pid > 0) {
            for (size_t r = 0; r < pids.size(); ++r) {
                if (pids[r] != pid || done[r])
                    continue;
                done[r] = true;
                status[r] = st;
                --left;
                const bool ok = WIFEXITED(st) && WEXITSTATUS(st) == 0;
                if (!ok)
                    lines += format("rank {} (pid {}) {}\n", r, pid, ending(st));
                if (!ok && firstFailure < 0) {
                    firstFailure = static_cast<int>(r);
                    failedAt = std::chrono::steady_clock::now();
                }
            }
            continue;
        }
        if (pid < 0 && errno == ECHILD)
            break;
        if (firstFailure >= 0) {
            const double waited = std::chrono::duration<double>(std::chrono::steady_clock::now() - failedAt).count();
            if (!terminated && waited > graceSeconds) {
                for (size_t r = 0; r < pids.size(); ++r)
                    if (!done[r])
                        ::kill(pids[r], SIGTERM);
                terminated = true;
            } else if (!killed && waited > graceSeconds + 10) {
                for (size_t r = 0; r < pids.size(); ++r)
                    if (!done[r])
                        ::kill(pids[r], SIGKILL);
                killed = true;
            }
        }
        std::this_thread::sleep_for(std::chrono::milliseconds(20));
    }
    ::sigaction(SIGINT, &oldInt, nullptr);
    ::sigaction(SIGTERM, &oldTerm, nullptr);
    if (summary)
        *summary = lines;
    if (firstFailure < 0)
        return 0;
    const int code = exitCode(status[static_cast<size_t>(firstFailure)]);
    return code == 0 ? 1 : code;
}

} // namespace mosaic
