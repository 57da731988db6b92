using System;
using System.Threading;
using System.Threading.Tasks;

namespace RingIpc.Peer.Calls;

/// <summary>What a scan should produce (the native library's <c>scan_request</c>).</summary>
[SharedLayout]
public partial struct ScanRequest
{
    public partial int Width { get; set; }

    public partial int Height { get; set; }

    public partial int Dpi { get; set; }

    public partial bool Color { get; set; }
}

/// <summary>Who serves: the host's process and the bitness of the native code it calls.</summary>
[SharedLayout]
public partial struct ScannerInfo
{
    public partial int ProcessId { get; set; }

    public partial int HostPointerSize { get; set; }

    public partial int LibraryPointerSize { get; set; }
}

/// <summary>The README's example contract: a 32-bit scanner SDK served to 64-bit callers (or the other way).</summary>
[SharedService]
public partial interface ILegacyScanner
{
    /// <summary>Who serves, and for which bitness the library was built.</summary>
    ValueTask<ScannerInfo> DescribeAsync(CancellationToken cancellationToken);

    /// <summary>Scans: the library fills the bytes. A request it refuses throws <see cref="ArgumentException"/>.</summary>
    ValueTask<CallBytes> ScanAsync(ScanRequest request, CancellationToken cancellationToken);

    /// <summary>The library's checksum of <paramref name="data"/>.</summary>
    ValueTask<uint> ChecksumAsync(ReadOnlyMemory<byte> data, CancellationToken cancellationToken);

    /// <summary>Holds the call for <paramref name="milliseconds"/> (or until cancelled), then says whether it was cancelled.</summary>
    ValueTask<bool> HoldAsync(int milliseconds, CancellationToken cancellationToken);

    /// <summary>Renames the device: throws <see cref="InvalidOperationException"/> with the name in its message.</summary>
    ValueTask RenameAsync(string name, CancellationToken cancellationToken);
}
