using System;
using System.IO.MemoryMappedFiles;
using System.Threading;

namespace RingIpc;

/// <summary>A mapped view of a whole section and the pointer to its first byte.</summary>
internal sealed unsafe class SectionMapping : IDisposable
{
    private readonly MemoryMappedFile _file;
    private readonly MemoryMappedViewAccessor _view;
    private int _disposed;

    public SectionMapping(MemoryMappedFile file, long length)
    {
        _file = file;
        try
        {
            _view = file.CreateViewAccessor(0, length, MemoryMappedFileAccess.ReadWrite);
            byte* pointer = null;
            _view.SafeMemoryMappedViewHandle.AcquirePointer(ref pointer);
            Pointer = pointer + _view.PointerOffset;
            Length = length;
        }
        catch
        {
            _view?.Dispose();
            file.Dispose();
            throw;
        }
    }

    /// <summary>The first byte of the section.</summary>
    public byte* Pointer { get; }

    /// <summary>The length of the section in bytes.</summary>
    public long Length { get; }

    /// <summary>Unix: the mapped file's identity (device and inode), where statx can tell it.</summary>
    public FileStatus? File { get; set; }

    /// <summary>Keeps the mapping alive past <see cref="Dispose"/> until <see cref="ReleaseReference"/>.</summary>
    public void AddReference()
    {
        bool added = false;
        _view.SafeMemoryMappedViewHandle.DangerousAddRef(ref added);
    }

    /// <summary>Ends one <see cref="AddReference"/>; the last one unmaps a disposed mapping.</summary>
    public void ReleaseReference() => _view.SafeMemoryMappedViewHandle.DangerousRelease();

    public void Dispose()
    {
        if (Interlocked.Exchange(ref _disposed, 1) != 0)
        {
            return; // once: a second ReleasePointer would unmap under the holders of references
        }

        _view.SafeMemoryMappedViewHandle.ReleasePointer();
        _view.Dispose();
        _file.Dispose();
    }
}
