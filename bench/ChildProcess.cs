using System;
using System.Diagnostics;
using System.IO;
using System.Reflection;

namespace RingIpc.Bench;

/// <summary>Starts this same program again in another role, as a real child process.</summary>
internal static class ChildProcess
{
    public static Process Start(bool redirectInput, params string[] arguments)
    {
        ProcessStartInfo info = StartInfo(redirectInput, arguments);
        return Process.Start(info) ?? throw new InvalidOperationException($"could not start {info.FileName}");
    }

    /// <summary>How <see cref="Start"/> starts the child (for a starter of its own, such as <see cref="CallHost.Launch"/>).</summary>
    public static ProcessStartInfo StartInfo(bool redirectInput, params string[] arguments)
    {
        string host = Environment.ProcessPath ?? "dotnet";
        var info = new ProcessStartInfo(host)
        {
            RedirectStandardOutput = true,
            RedirectStandardInput = redirectInput,
            UseShellExecute = false,
        };

        // Under "dotnet RingIpc.Bench.dll" the host is dotnet itself and needs the assembly path.
        if (Path.GetFileNameWithoutExtension(host).Equals("dotnet", StringComparison.OrdinalIgnoreCase))
        {
            info.ArgumentList.Add(Assembly.GetExecutingAssembly().Location);
        }

        foreach (string argument in arguments)
        {
            info.ArgumentList.Add(argument);
        }

        return info;
    }

    /// <summary>Kills <paramref name="child"/> if it is still running (a row that failed must not leave its reader
    /// spinning); call in a <c>finally</c> after the row's own wait.</summary>
    public static void KillIfRunning(Process? child)
    {
        try
        {
            if (child is not null && !child.HasExited)
            {
                child.Kill(entireProcessTree: true);
            }
        }
        catch (InvalidOperationException)
        {
            // It exited meanwhile, or never started.
        }
    }

    /// <summary>Waits for the child's single result line: "&lt;messages&gt; &lt;seconds&gt;".</summary>
    public static (long Messages, double Seconds) ReadResult(Process child, TimeSpan timeout) => new ResultLines(child, 1).Wait(timeout)[0];
}
