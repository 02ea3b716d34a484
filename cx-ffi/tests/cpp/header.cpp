// include/cx.h compiles as C++17 with -pedantic -Werror, is guarded against
// double inclusion and declares its functions extern "C" (this links).
#include "cx.h"
#include "cx.h"

#include <cstdio>
#include <cstring>

int main()
{
    const char *version = cx_version();
    if (version == nullptr || std::strlen(version) == 0) {
        std::puts("not ok 1 - cx_version() from C++");
        return 1;
    }
    std::printf("ok 1 - cx_version() from C++ is %s\n1..1\n1 passed, 0 failed\n", version);
    return 0;
}
