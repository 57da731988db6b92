using System;
using System.Threading;

namespace RingIpc.Peer.Calls;

/// <summary>The call modes of the peer: a host serving the native scanner, and clients of one.</summary>
internal static class CallPeer
{
    /// <summary>Serves <see cref="NativeScanner"/> at <paramref name="endpoint"/> until its owner (if the host was
    /// launched tied) exits or <paramref name="seconds"/> pass. Prints "serving", then a line per cancelled hold.</summary>
    public static int Host(string endpoint, int seconds)
    {
        var scanner = new NativeScanner();
        scanner.HoldEnded += ms => Console.WriteLine($"hold of {ms} ms cancelled");
        using var server = CallServer.Start(endpoint, new LegacyScannerDispatcher(scanner));
        Console.WriteLine($"serving {endpoint} in process {System.Diagnostics.Process.GetCurrentProcess().Id}, {8 * IntPtr.Size}-bit");
        bool stopped = server.Completion.Wait(TimeSpan.FromSeconds(seconds));
        Console.WriteLine(stopped ? "stopped: " + server.StopReason : "time is up");
        return 0;
    }

    /// <summary>Runs <see cref="ScannerScript"/> as a client and prints its report.</summary>
    public static int Client(string endpoint, int libraryPointerSize)
    {
        using var client = CallClient.Connect(endpoint, LegacyScannerContract.Instance, TimeSpan.FromSeconds(60));
        foreach (string line in ScannerScript.RunAsync(new LegacyScannerProxy(client), libraryPointerSize).GetAwaiter().GetResult())
        {
            Console.WriteLine(line);
        }

        Console.WriteLine("script passed");
        return 0;
    }

    /// <summary>Launches this peer as a tied <c>scanner-host</c> (its native library in <paramref name="libraryFolder"/>),
    /// prints "launched {pid}", and waits to be killed.</summary>
    public static int Launcher(string endpoint, string libraryFolder)
    {
        var info = new System.Diagnostics.ProcessStartInfo(System.Diagnostics.Process.GetCurrentProcess().MainModule!.FileName!)
        {
            Arguments = $"\"{typeof(CallPeer).Assembly.Location}\" scanner-host {endpoint} 120",
            UseShellExecute = false,
        };
        info.Environment["LD_LIBRARY_PATH"] = libraryFolder;
        using CallHost host = CallHost.Launch(info, endpoint, LegacyScannerContract.Instance, TimeSpan.FromSeconds(60), tieLifetime: true);
        Console.WriteLine($"launched {host.Process.Id}");
        Thread.Sleep(TimeSpan.FromMinutes(2));
        return 1;
    }

    /// <summary>Connects, starts a long hold, prints "holding", and waits to be killed.</summary>
    public static int HoldingClient(string endpoint)
    {
        using var client = CallClient.Connect(endpoint, LegacyScannerContract.Instance, TimeSpan.FromSeconds(60));
        var scanner = new LegacyScannerProxy(client);
        _ = scanner.HoldAsync(600_000, CancellationToken.None).AsTask();
        Console.WriteLine("holding");
        Thread.Sleep(TimeSpan.FromMinutes(2));
        return 1;
    }
}
