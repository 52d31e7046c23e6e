#include "util/parallel.h"

#include <ATen/Parallel.h>
#include <algorithm>

namespace mosaic {

void parallelFor(int64_t count, const std::function<void(int64_t begin, int64_t end)> &fn)
{
    if (count <= 0)
        return;
    at::parallel_for(0, count, 1, [&fn](int64_t begin, int64_t end) { fn(begin, end); });
}

int parallelForThreads(int64_t count)
{
#ifdef _OPENMP
    if (count <= 1 || at::in_parallel_region())
        return 1;
    return static_cast<int>(std::min<int64_t>(count, at::get_num_threads()));
#else
    (void)count;
    return 1;
#endif
}

} // namespace mosaic
