using System;
using System.Runtime.InteropServices;

namespace RingIpc;

/// <summary>
/// Linux futex calls on 32-bit words in shared memory, through libc's <c>syscall()</c>.
/// </summary>
/// <remarks>
/// Shared futexes (no <c>FUTEX_PRIVATE_FLAG</c>): the waiter and the waker are different processes
/// that map the word at different addresses; the kernel keys a shared futex by the page's inode and
/// offset. What differs between bitnesses (DESIGN.md §1): the syscall number (202 on x86-64, 240 on
/// i386 and arm, 98 on arm64) and <c>struct timespec</c> (two <c>long</c>s: 8 bytes in a 32-bit
/// process, 16 in a 64-bit one). Both are handled by passing every argument as a native-width
/// integer, which is exactly the width of a C <c>long</c> and a pointer on Linux.
/// </remarks>
internal static unsafe class Futex
{
    private const int FutexWait = 0;
    private const int FutexWake = 1;

    public const int EAGAIN = 11;
    public const int EINTR = 4;
    public const int ETIMEDOUT = 110;

    /// <summary>The futex syscall number of this process's architecture, or 0 if RingIpc does not know it
    /// (then <see cref="IsSupported"/> is false and signaling falls back to polling).</summary>
    private static readonly nint SysFutex = RuntimeInformation.ProcessArchitecture switch
    {
        Architecture.X64 => 202,
        Architecture.X86 => 240,
        Architecture.Arm => 240,
        Architecture.Arm64 => 98,
#if NET
        Architecture.RiscV64 => 98,
        Architecture.LoongArch64 => 98,
        Architecture.Ppc64le => 221,
        Architecture.S390x => 238,
#endif
        _ => 0,
    };

    /// <summary>Whether futex calls are available for this architecture.</summary>
    public static bool IsSupported => SysFutex != 0;

    /// <summary><c>struct timespec</c>: <c>time_t</c> and <c>long</c>, both native width on Linux.</summary>
    [StructLayout(LayoutKind.Sequential)]
    private struct Timespec
    {
        public nint Seconds;
        public nint Nanoseconds;
    }

    [DllImport("libc", EntryPoint = "syscall", SetLastError = true)]
    private static extern nint Syscall(nint number, int* address, nint operation, nint value, Timespec* timeout, nint address2, nint value3);

    /// <summary><c>futex_waitv</c> (Linux 5.16+): the same number on every architecture.</summary>
    private const nint SysFutexWaitv = 449;

    /// <summary><c>FUTEX2_SIZE_U32</c>; without <c>FUTEX2_PRIVATE</c> the futex is shared.</summary>
    private const uint Futex2SizeU32 = 0x02;

    private const int ClockMonotonic = 1;
    public const int ENOSYS = 38;

    /// <summary><c>struct futex_waitv</c>: fixed-width fields, the same in 32- and 64-bit processes.</summary>
    [StructLayout(LayoutKind.Sequential)]
    public struct WaitEntry
    {
        public ulong Value;
        public ulong Address;
        public uint Flags;
        public uint Reserved;

        public WaitEntry(int* address, int expected)
        {
            Value = (uint)expected;
            Address = (ulong)address;
            Flags = Futex2SizeU32;
            Reserved = 0;
        }
    }

    /// <summary><c>struct __kernel_timespec</c>: 64-bit fields in every process.</summary>
    [StructLayout(LayoutKind.Sequential)]
    private struct KernelTimespec
    {
        public long Seconds;
        public long Nanoseconds;
    }

    [DllImport("libc", EntryPoint = "syscall", SetLastError = true)]
    private static extern nint SyscallWaitv(nint number, WaitEntry* waiters, nint count, nint flags, KernelTimespec* timeout, nint clock);

    [DllImport("libc", EntryPoint = "clock_gettime", SetLastError = true)]
    private static extern int ClockGetTime(int clock, Timespec* now);

    /// <summary>Sleeps until any of <paramref name="count"/> words is woken, or one no longer holds its expected
    /// value, or <paramref name="timeoutMs"/> passes.</summary>
    /// <returns>0 if woken, else an errno: <see cref="EAGAIN"/>, <see cref="ETIMEDOUT"/>, <see cref="EINTR"/>, or
    /// <see cref="ENOSYS"/> on kernels before 5.16.</returns>
    public static int WaitAny(WaitEntry* waiters, int count, int timeoutMs)
    {
        Timespec now;
        ClockGetTime(ClockMonotonic, &now);
        long deadlineNs = ((long)now.Seconds * 1_000_000_000) + now.Nanoseconds + ((long)timeoutMs * 1_000_000);
        var deadline = new KernelTimespec { Seconds = deadlineNs / 1_000_000_000, Nanoseconds = deadlineNs % 1_000_000_000 };
        return SyscallWaitv(SysFutexWaitv, waiters, count, 0, &deadline, ClockMonotonic) >= 0 ? 0 : Marshal.GetLastWin32Error();
    }

    /// <summary>Sleeps while <c>*address == expected</c>, until woken or <paramref name="timeoutMs"/> passes.</summary>
    /// <returns>0 if woken (or spuriously), else <see cref="EAGAIN"/> (the word differed),
    /// <see cref="ETIMEDOUT"/> or <see cref="EINTR"/>.</returns>
    public static int Wait(int* address, int expected, int timeoutMs)
    {
        var timeout = new Timespec { Seconds = timeoutMs / 1000, Nanoseconds = (timeoutMs % 1000) * 1_000_000 };
        if (Syscall(SysFutex, address, FutexWait, expected, &timeout, 0, 0) == 0)
        {
            return 0;
        }

        return Marshal.GetLastWin32Error();
    }

    /// <summary>Wakes every process sleeping on <paramref name="address"/>.</summary>
    public static void WakeAll(int* address)
    {
        Syscall(SysFutex, address, FutexWake, int.MaxValue, null, 0, 0);
    }
}
