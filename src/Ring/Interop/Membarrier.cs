using System;
using System.Runtime.InteropServices;

namespace RingIpc;

/// <summary>
/// Linux <c>membarrier</c> (4.16+), global expedited: one process forces a full memory barrier on every running
/// thread of every process that registered for it, so that those threads may skip a fence on their hot path
/// (the rings' fence mode).
/// </summary>
/// <remarks>
/// <para><c>MEMBARRIER_CMD_REGISTER_GLOBAL_EXPEDITED</c> (4) registers the calling process once; from then on a
/// <c>MEMBARRIER_CMD_GLOBAL_EXPEDITED</c> (2) issued by any process returns only after each running thread of a
/// registered process has executed a full barrier (an IPI); a thread that was not running passes one when it is
/// next scheduled. <c>MEMBARRIER_CMD_QUERY</c> (0) returns the commands this kernel supports as a bit mask; a
/// seccomp filter or an old kernel answers with an error, and fence mode is then off for this process.</para>
/// <para>The syscall number differs by architecture (324 x86-64, 375 i386, 389 arm, 283 arm64 and the generic
/// table); every argument is passed native width, like the futex calls (<see cref="Futex"/>). qemu-user passes the call
/// through to the host kernel, whose barrier then covers the emulated threads too (they are host threads).</para>
/// </remarks>
internal static class Membarrier
{
    private const int CmdQuery = 0;
    private const int CmdGlobalExpedited = 2;
    private const int CmdRegisterGlobalExpedited = 4;

    private static readonly nint SysMembarrier = !RuntimeInformation.IsOSPlatform(OSPlatform.Linux)
        ? 0
        : RuntimeInformation.ProcessArchitecture switch
        {
            Architecture.X64 => 324,
            Architecture.X86 => 375,
            Architecture.Arm => 389,
            Architecture.Arm64 => 283,
            _ => 0,
        };

    /// <summary>The commands this kernel supports for this process (0: none, or no <c>membarrier</c> at all).</summary>
    private static readonly int Supported = Query();

    private static readonly object RegisterGate = new();
    private static int _registered; // 0 not yet tried, 1 registered, -1 refused

    /// <summary>Whether this process can issue the global expedited barrier (the consumer's side of fence mode).</summary>
    public static bool CanIssue => (Supported & CmdGlobalExpedited) != 0;

    /// <summary>Registers this process for the global expedited barrier, once (the producers' side of fence mode).</summary>
    /// <returns>Whether it is registered: only then may its threads rely on another process's barrier.</returns>
    public static bool TryRegisterProcess()
    {
        if (_registered == 0)
        {
            lock (RegisterGate)
            {
                if (_registered == 0)
                {
                    bool ok = (Supported & CmdRegisterGlobalExpedited) != 0 && Invoke(CmdRegisterGlobalExpedited) == 0;
                    _registered = ok ? 1 : -1;
                }
            }
        }

        return _registered == 1;
    }

    /// <summary>Issues the global expedited barrier.</summary>
    /// <returns><c>false</c> if the kernel refused it (a filter that answers the query but not the call).</returns>
    public static bool TryIssueGlobal() => Invoke(CmdGlobalExpedited) == 0;

    private static int Query()
    {
        if (SysMembarrier == 0)
        {
            return 0;
        }

        try
        {
            nint mask = Invoke(CmdQuery);
            return mask < 0 ? 0 : (int)mask;
        }
        catch (EntryPointNotFoundException)
        {
            return 0;
        }
        catch (DllNotFoundException)
        {
            return 0;
        }
    }

    private static nint Invoke(int command) => Syscall(SysMembarrier, command, 0, 0);

    [DllImport("libc", EntryPoint = "syscall", SetLastError = true)]
    private static extern nint Syscall(nint number, nint command, nint flags, nint cpuId);
}
