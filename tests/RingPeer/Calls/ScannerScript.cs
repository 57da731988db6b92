using System;
using System.Collections.Generic;
using System.Threading;
using System.Threading.Tasks;

namespace RingIpc.Peer.Calls;

/// <summary>
/// The end-to-end example as a caller runs it, in whichever process (and bitness) is the client: structs, byte
/// payloads both ways, the host's errors, and a cancellation that reaches the host. Each check throws with what it
/// saw; each passed check is one line of the returned report.
/// </summary>
public static class ScannerScript
{
    /// <summary>Runs every check against <paramref name="scanner"/>, a proxy to a host whose native library has
    /// <paramref name="libraryPointerSize"/>-byte pointers.</summary>
    public static async Task<IReadOnlyList<string>> RunAsync(LegacyScannerProxy scanner, int libraryPointerSize)
    {
        var report = new List<string>();
        ScannerInfo info = await scanner.DescribeAsync(CancellationToken.None).ConfigureAwait(false);
        Expect(info.ProcessId == scanner.Client.ServerProcessId, $"the host says it is process {info.ProcessId}, the client connected to {scanner.Client.ServerProcessId}");
        Expect(info.LibraryPointerSize == libraryPointerSize && info.HostPointerSize == libraryPointerSize,
            $"the host runs with {info.HostPointerSize}-byte pointers and its library with {info.LibraryPointerSize}; expected {libraryPointerSize}");
        report.Add($"described: host process {info.ProcessId}, {8 * info.HostPointerSize}-bit, library {8 * info.LibraryPointerSize}-bit, client {8 * IntPtr.Size}-bit");

        var request = new ScanRequest { Width = 64, Height = 48, Dpi = 300, Color = true };
        using (CallBytes scan = await scanner.ScanAsync(request, CancellationToken.None).ConfigureAwait(false))
        {
            Expect(scan.Length == 64 * 48 * 3, $"a 64x48 color scan came back with {scan.Length} bytes");
            ReadOnlySpan<byte> bytes = scan.Memory.Span;
            for (int i = 0; i < bytes.Length; i++)
            {
                Expect(bytes[i] == (byte)((i * 7 + 300) % 251), $"byte {i} of the scan is {bytes[i]}");
            }

            uint checksum = await scanner.ChecksumAsync(scan.Memory, CancellationToken.None).ConfigureAwait(false);
            Expect(checksum == Fnv1a(scan.Memory.Span), $"the host's checksum {checksum:x8} differs from the client's {Fnv1a(scan.Memory.Span):x8}");
            report.Add($"scanned {scan.Length} bytes, checksum {checksum:x8} on both sides");
        }

        try
        {
            using CallBytes refused = await scanner.ScanAsync(new ScanRequest { Width = 10, Height = 10, Dpi = 0 }, CancellationToken.None).ConfigureAwait(false);
            throw new InvalidOperationException("a scan at 0 dpi succeeded");
        }
        catch (RemoteCallException error) when (error.RemoteType == "System.ArgumentException" && error.RemoteMessage.Contains("error -22"))
        {
            report.Add($"refused: {error.RemoteType}: {error.RemoteMessage}");
        }

        try
        {
            await scanner.RenameAsync("Scanner ✓ 2", CancellationToken.None).ConfigureAwait(false);
            throw new InvalidOperationException("a rename succeeded");
        }
        catch (RemoteCallException error) when (error.RemoteType == "System.InvalidOperationException" && error.RemoteMessage.Contains("'Scanner ✓ 2'"))
        {
            report.Add($"threw: {error.RemoteType}: {error.RemoteMessage}");
        }

        using (var cancellation = new CancellationTokenSource(TimeSpan.FromMilliseconds(300)))
        {
            try
            {
                await scanner.HoldAsync(120_000, cancellation.Token).ConfigureAwait(false);
                throw new InvalidOperationException("a hold of 2 minutes returned");
            }
            catch (OperationCanceledException error) when (error.CancellationToken == cancellation.Token)
            {
                report.Add("cancelled a hold");
            }
        }

        Expect(!await scanner.HoldAsync(1, CancellationToken.None).ConfigureAwait(false), "a 1 ms hold says it was cancelled");
        report.Add("a short hold returned");
        return report;
    }

    /// <summary>FNV-1a 32, as the native library computes it.</summary>
    public static uint Fnv1a(ReadOnlySpan<byte> data)
    {
        uint hash = 2166136261u;
        foreach (byte b in data)
        {
            hash ^= b;
            hash *= 16777619u;
        }

        return hash;
    }

    private static void Expect(bool condition, string what)
    {
        if (!condition)
        {
            throw new InvalidOperationException(what);
        }
    }
}
