using System.Runtime.InteropServices;

namespace RingIpc;

/// <summary>Whether a registered process still runs: how a consumer tells a dead endpoint from a slow one. It
/// never guesses: a process counts as dead only when it is gone, a zombie, or its pid now belongs to a process
/// with another start time; anything it cannot tell counts as alive.</summary>
/// <remarks>Linux: <c>/proc/&lt;pid&gt;/stat</c> (state and start time), falling back to <c>kill(pid, 0)</c>
/// where <c>/proc</c> cannot be read (only ESRCH means "no such process"; EPERM: it exists). A zombie (exited,
/// not yet reaped: its parent may never reap it, as a container's pid 1 often does not) is dead. Windows: a
/// process handle, its exit code and its creation time. macOS: <c>proc_pidinfo</c> (zombie status and start time),
/// falling back to <c>kill(pid, 0)</c> like Linux. Pids are only meaningful within one pid namespace:
/// processes that share a ring across containers must share their pid namespace.</remarks>
internal static class ProcessLiveness
{
    public static bool IsAlive(ProcessIdentity process)
    {
        int processId = process.ProcessId;
        if (processId <= 0)
        {
            return true; // not a pid we can judge: never act on it
        }

        if (processId == ProcessIdentity.Current.ProcessId)
        {
            // This process is alive; only its start time can tell an earlier holder of our pid. Never re-read /proc
            // for ourselves: under qemu-user our own /proc/<pid>/stat is made up (ProcessIdentity.Current).
            return process.StartTime == 0 || process.StartTime == ProcessIdentity.Current.StartTime;
        }

        if (RuntimeInformation.IsOSPlatform(OSPlatform.Windows))
        {
            return WindowsProcesses.Inspect(processId, out long created) switch
            {
                WindowsProcesses.State.Gone => false,
                WindowsProcesses.State.Running => process.StartTime == 0 || created == process.StartTime,
                _ => true,
            };
        }

        if (MacProcesses.TryRead(processId, out bool zombie, out long started))
        {
            return !zombie && (process.StartTime == 0 || started == process.StartTime);
        }

        if (ProcStat.TryRead(processId, out ProcStat stat))
        {
            return stat.State != 'Z' && stat.State != 'X' && (process.StartTime == 0 || stat.StartTime == process.StartTime);
        }

        return !(LibC.Kill(processId, 0) != 0 && LibC.LastError() == LibC.ESRCH);
    }
}
