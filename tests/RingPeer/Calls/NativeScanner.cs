using System;
using System.Runtime.InteropServices;
using System.Threading;
using System.Threading.Tasks;

namespace RingIpc.Peer.Calls;

/// <summary><see cref="ILegacyScanner"/> over the native library (libscanner.so, found through LD_LIBRARY_PATH), as a
/// 32-bit host serves a vendor SDK.</summary>
public sealed class NativeScanner : ILegacyScanner
{
    private const string Library = "scanner";

    /// <summary>Set in a hold that was cancelled (the host prints it, so the tests see the token reached it).</summary>
    public event Action<int>? HoldEnded;

    public ValueTask<ScannerInfo> DescribeAsync(CancellationToken cancellationToken) =>
        new(new ScannerInfo
        {
            ProcessId = System.Diagnostics.Process.GetCurrentProcess().Id,
            HostPointerSize = IntPtr.Size,
            LibraryPointerSize = scanner_pointer_size(),
        });

    public ValueTask<CallBytes> ScanAsync(ScanRequest request, CancellationToken cancellationToken)
    {
        var native = new NativeRequest { Width = request.Width, Height = request.Height, Dpi = request.Dpi, Color = request.Color ? (byte)1 : (byte)0 };
        long length = Math.Max(0L, (long)request.Width * request.Height * (request.Color ? 3 : 1));
        CallBytes result = CallBytes.Rent((int)Math.Min(length, 1 << 20));
        int written = Scan(ref native, result.Memory.Span);
        if (written < 0)
        {
            result.Dispose();
            throw new ArgumentException($"The scanner refused {request.Width}x{request.Height} at {request.Dpi} dpi (error {written}).", nameof(request));
        }

        return new ValueTask<CallBytes>(result);
    }

    public ValueTask<uint> ChecksumAsync(ReadOnlyMemory<byte> data, CancellationToken cancellationToken) => new(Checksum(data.Span));

    public async ValueTask<bool> HoldAsync(int milliseconds, CancellationToken cancellationToken)
    {
        try
        {
            await Task.Delay(milliseconds, cancellationToken).ConfigureAwait(false);
            return false;
        }
        catch (OperationCanceledException)
        {
            HoldEnded?.Invoke(milliseconds);
            throw;
        }
    }

    public ValueTask RenameAsync(string name, CancellationToken cancellationToken) =>
        throw new InvalidOperationException($"The device cannot be renamed to '{name}'.");

    private static unsafe int Scan(ref NativeRequest request, Span<byte> buffer)
    {
        fixed (NativeRequest* native = &request)
        fixed (byte* bytes = buffer)
        {
            return scanner_scan(native, bytes, buffer.Length);
        }
    }

    private static unsafe uint Checksum(ReadOnlySpan<byte> data)
    {
        fixed (byte* bytes = data)
        {
            return scanner_checksum(bytes, data.Length);
        }
    }

    [StructLayout(LayoutKind.Sequential)]
    private struct NativeRequest
    {
        public int Width;
        public int Height;
        public int Dpi;
        public byte Color;
    }

    [DllImport(Library)]
    private static extern int scanner_pointer_size();

    [DllImport(Library)]
    private static extern unsafe int scanner_scan(NativeRequest* request, byte* buffer, int capacity);

    [DllImport(Library)]
    private static extern unsafe uint scanner_checksum(byte* data, int length);
}
