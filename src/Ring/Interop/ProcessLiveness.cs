using System;
using System.Diagnostics;
using System.Runtime.InteropServices;

namespace RingIpc;

/// <summary>Whether a process still exists: how a consumer tells a dead producer from a slow one.</summary>
/// <remarks>Unix: <c>kill(pid, 0)</c>; only ESRCH means "no such process" (EPERM: it exists, owned by another
/// user). A zombie counts as alive until its parent reaps it. Pids are only meaningful within one pid
/// namespace: processes that share a ring across containers must share their pid namespace.</remarks>
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

        return LibC.Kill(processId, 0) == 0 || LibC.LastError() != LibC.ESRCH;
    }
}
