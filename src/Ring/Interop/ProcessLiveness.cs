using System;
using System.Diagnostics;
using System.Runtime.InteropServices;

namespace RingIpc;

/// <summary>Whether a process still exists: how a consumer tells a dead producer from a slow one.</summary>
/// <remarks>Unix: <c>kill(pid, 0)</c>; only ESRCH means "no such process" (EPERM: it exists, owned by another
/// user). On Linux a zombie (exited, not yet reaped: its parent may never reap it, as a container's pid 1 often
/// does not) counts as dead too, read from the state field of <c>/proc/&lt;pid&gt;/stat</c>. Pids are only
/// meaningful within one pid namespace: processes that share a ring across containers must share their pid
/// namespace. A pid reused by a new process still counts as alive (the endpoint registry of format v2 adds the
/// process start time for that).</remarks>
internal static class ProcessLiveness
{
    public static bool IsAlive(int processId)
    {
        if (processId <= 0)
        {
            return true; // not a pid we can judge: never revoke on it
        }

        if (RuntimeInformation.IsOSPlatform(OSPlatform.Windows))
        {
            try
            {
                using Process process = Process.GetProcessById(processId);
                return !process.HasExited;
            }
            catch (ArgumentException)
            {
                return false; // no such process
            }
            catch (Exception)
            {
                return true; // cannot tell (access denied, a race): never revoke on a guess
            }
        }

        if (LibC.Kill(processId, 0) != 0 && LibC.LastError() == LibC.ESRCH)
        {
            return false;
        }

        return !IsZombie(processId);
    }

    /// <summary>Linux: whether the process has exited and waits to be reaped (state Z, or X: being reaped).</summary>
    private static bool IsZombie(int processId)
    {
        if (!RuntimeInformation.IsOSPlatform(OSPlatform.Linux))
        {
            return false;
        }

        string stat;
        try
        {
            stat = System.IO.File.ReadAllText($"/proc/{processId}/stat");
        }
        catch (Exception)
        {
            return false; // cannot tell (no /proc, or gone a moment ago: the next check sees ESRCH)
        }

        // "pid (comm) S ...": comm may hold spaces and parentheses, so the state follows the last ')'.
        int end = stat.LastIndexOf(')');
        if (end < 0 || end + 2 >= stat.Length)
        {
            return false;
        }

        char state = stat[end + 2];
        return state == 'Z' || state == 'X';
    }
}
