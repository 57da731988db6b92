using System.Runtime.InteropServices;

namespace RingIpc;

/// <summary>macOS: a process's start time and whether it is a zombie, from <c>proc_pidinfo(PROC_PIDTBSDINFO)</c>.
/// Not run on the CI machines (no macOS there): every read is checked (the returned size and the pid in the
/// answer), and anything it cannot read leaves liveness to <c>kill(pid, 0)</c>, which never judges a live process
/// dead.</summary>
internal static unsafe class MacProcesses
{
    private const int PidTaskBsdInfo = 3;

    /// <summary><c>struct proc_bsdinfo</c> (sys/proc_info.h): 12 <c>uint32</c>s (flags, status, xstatus, pid, ...),
    /// <c>pbi_comm[16]</c>, <c>pbi_name[32]</c>, 6 more 32-bit fields, then <c>pbi_start_tvsec</c> and
    /// <c>pbi_start_tvusec</c> (<c>uint64</c>).</summary>
    private const int BsdInfoSize = 136;
    private const int StatusOffset = 4;
    private const int PidOffset = 12;
    private const int StartSecondsOffset = 120;
    private const int StartMicrosecondsOffset = 128;

    /// <summary><c>SZOMB</c>: exited, not yet reaped.</summary>
    private const uint ZombieStatus = 5;

    /// <summary>Reads process <paramref name="processId"/>: whether it is a zombie, and its start time as a token
    /// (microseconds since the epoch).</summary>
    /// <returns><c>false</c> if it could not be read (no such process, not permitted, not macOS).</returns>
    public static bool TryRead(int processId, out bool zombie, out long startTime)
    {
        zombie = false;
        startTime = 0;
        if (!RuntimeInformation.IsOSPlatform(OSPlatform.OSX) || processId <= 0)
        {
            return false;
        }

        byte* info = stackalloc byte[BsdInfoSize];
        if (ProcPidInfo(processId, PidTaskBsdInfo, 0, info, BsdInfoSize) != BsdInfoSize || *(uint*)(info + PidOffset) != (uint)processId)
        {
            return false;
        }

        zombie = *(uint*)(info + StatusOffset) == ZombieStatus;
        startTime = (long)((*(ulong*)(info + StartSecondsOffset) * 1_000_000) + *(ulong*)(info + StartMicrosecondsOffset));
        return true;
    }

    [DllImport("/usr/lib/libSystem.dylib", EntryPoint = "proc_pidinfo")]
    private static extern int ProcPidInfo(int pid, int flavor, ulong arg, byte* buffer, int size);
}
