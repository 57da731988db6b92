using System;
using System.Diagnostics;
using System.Globalization;
using System.Threading;

namespace RingIpc;

/// <summary>
/// A host process this process started to serve calls — typically the 32-bit host of a 32-bit library, started by a
/// 64-bit program, or the other way — and the client connected to it.
/// </summary>
/// <remarks>
/// <para><see cref="Launch"/> starts the program, waits until its endpoint accepts a client (failing at once if the
/// program exits first), and returns the connected client. Either bitness can start the other: the program is any
/// executable (a <c>net472</c> x86 build run by <c>mono</c> on Linux or directly on Windows, a <c>dotnet</c> app, a
/// native host speaking the protocol).</para>
/// <para>Tied lifetimes: the launcher's identity goes to the host in the <see cref="LauncherVariable"/> environment
/// variable, and a <see cref="CallServer"/> in the host stops when that process exits — killed included — so its
/// <see cref="CallServer.Completion"/> ends the host's <c>Main</c>. Disposing a tied host kills it.</para>
/// </remarks>
public sealed class CallHost : IDisposable
{
    /// <summary>The environment variable that names a tied host's launcher (<c>pid:start-time</c>).</summary>
    public const string LauncherVariable = "RINGIPC_CALL_LAUNCHER";

    private static readonly TimeSpan ConnectSlice = TimeSpan.FromMilliseconds(250);

    private readonly bool _tied;
    private readonly string _endpoint;
    private int _disposed;

    private CallHost(Process process, CallClient client, string endpoint, bool tied)
    {
        Process = process;
        Client = client;
        _endpoint = endpoint;
        _tied = tied;
    }

    /// <summary>The host process.</summary>
    public Process Process { get; }

    /// <summary>The client connected to the host's endpoint.</summary>
    public CallClient Client { get; }

    /// <summary>Starts <paramref name="startInfo"/>'s program and connects to the endpoint it serves.</summary>
    /// <param name="startInfo">The host program (its <see cref="ProcessStartInfo.UseShellExecute"/> must be false).</param>
    /// <param name="endpoint">The endpoint the host serves.</param>
    /// <param name="contract">The contract to call.</param>
    /// <param name="timeout">How long the host may take to start serving.</param>
    /// <param name="tieLifetime">Whether the host stops when this process exits, and is killed when this is disposed.</param>
    /// <param name="options">How to connect and call; defaults if null.</param>
    /// <exception cref="InvalidOperationException">The host exited before it served the endpoint (its exit code is in the message).</exception>
    /// <exception cref="TimeoutException">The host did not serve the endpoint in time (a tied host is then killed).</exception>
    /// <exception cref="CallContractMismatchException">The host serves another contract.</exception>
    public static CallHost Launch(ProcessStartInfo startInfo, string endpoint, CallContract contract, TimeSpan timeout, bool tieLifetime = true,
        CallClientOptions? options = null)
    {
        if (startInfo is null)
        {
            throw new ArgumentNullException(nameof(startInfo));
        }

        if (startInfo.UseShellExecute)
        {
            throw new ArgumentException("A host is started with UseShellExecute = false, so that it can be handed its launcher.", nameof(startInfo));
        }

        CallServer.ValidateEndpointName(endpoint);
        CallDeadline deadline = CallDeadline.After(timeout);
        if (tieLifetime)
        {
            startInfo.Environment[LauncherVariable] = string.Format(CultureInfo.InvariantCulture, "{0}:{1}", ProcessIdentity.Current.ProcessId, ProcessIdentity.Current.StartTime);
        }

        Process process = Process.Start(startInfo) ?? throw new InvalidOperationException($"'{startInfo.FileName}' did not start a process.");
        try
        {
            return new CallHost(process, ConnectWhileRunning(process, endpoint, contract, deadline, options), endpoint, tieLifetime);
        }
        catch
        {
            if (tieLifetime)
            {
                Kill(process);
            }

            process.Dispose();
            throw;
        }
    }

    /// <summary>Disconnects; a tied host is killed and its endpoint deleted.</summary>
    public void Dispose()
    {
        if (Interlocked.Exchange(ref _disposed, 1) != 0)
        {
            return;
        }

        Client.Dispose();
        if (_tied)
        {
            Kill(Process);
            SharedRing.DeleteIfStale(_endpoint, evenWithUnreadMessages: true);
        }

        Process.Dispose();
    }

    /// <summary>The launcher named by <paramref name="value"/> (the <see cref="LauncherVariable"/>), or null if there is none or it is malformed.</summary>
    internal static ProcessIdentity? LauncherOf(string? value)
    {
        int colon = value?.IndexOf(':') ?? -1;
        if (colon <= 0 ||
            !int.TryParse(value!.Substring(0, colon), NumberStyles.None, CultureInfo.InvariantCulture, out int pid) || pid <= 0 ||
            !long.TryParse(value.Substring(colon + 1), NumberStyles.None, CultureInfo.InvariantCulture, out long start))
        {
            return null;
        }

        return new ProcessIdentity(pid, start);
    }

    private static CallClient ConnectWhileRunning(Process process, string endpoint, CallContract contract, CallDeadline deadline, CallClientOptions? options)
    {
        while (true)
        {
            if (process.HasExited)
            {
                throw new InvalidOperationException($"Host process {process.Id} exited with code {process.ExitCode} before it served endpoint '{endpoint}'.");
            }

            TimeSpan slice = deadline.Remaining == Timeout.InfiniteTimeSpan || deadline.Remaining > ConnectSlice ? ConnectSlice : deadline.Remaining;
            try
            {
                return CallClient.Connect(endpoint, contract, slice, options);
            }
            catch (TimeoutException exception) when (deadline.HasPassed)
            {
                throw new TimeoutException($"Host process {process.Id} did not serve endpoint '{endpoint}' within {deadline.Timeout.TotalMilliseconds:0} ms.", exception);
            }
            catch (TimeoutException)
            {
                // Not serving yet: check the process and try again.
            }
        }
    }

    private static void Kill(Process process)
    {
        try
        {
            if (!process.HasExited)
            {
                process.Kill();
                process.WaitForExit(5000);
            }
        }
        catch (InvalidOperationException)
        {
            // It exited meanwhile.
        }
    }
}
