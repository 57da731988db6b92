using System;
using System.IO;
using System.IO.MemoryMappedFiles;
using System.Threading;

namespace RingIpc.Peer;

/// <summary>Where a producer was in its write loop (<see cref="IProducerProgress"/>), as <see cref="ProgressLog"/> keeps it.</summary>
public enum ProducerStep
{
    /// <summary>Nothing recorded: the producer had not begun message 0.</summary>
    NotStarted = 0,

    /// <summary>In the call that reserves space for the message (and, for <c>TryWrite</c>/<c>Write</c>, commits it).</summary>
    Writing = 1,

    /// <summary>Holding the message's claim: reserved and marked, not committed.</summary>
    Claimed = 2,

    /// <summary>About to commit, or committing, the message's claim.</summary>
    Committing = 3,

    /// <summary>The message is committed.</summary>
    Committed = 4,

    /// <summary>A full ring refused the message; the producer backs off holding nothing.</summary>
    Refused = 5,
}

/// <summary>
/// A producer's black box for the chaos tests: a small file mapped by the victim producers and the test, one 64-bit word
/// per producer holding its last <see cref="ProducerStep"/> and message sequence. A SIGKILL cannot lose it (the stores
/// are in the shared page cache, not in a buffer of the dead process), unlike what the victim printed.
/// </summary>
/// <remarks>Each record is an interlocked exchange, a full fence, so it is ordered with the ring's own stores on both
/// sides: a step recorded before a ring call is in memory before anything that call does, and one recorded after it
/// follows everything the call did.</remarks>
public sealed unsafe class ProgressLog : IDisposable
{
    private readonly MemoryMappedFile _file;
    private readonly MemoryMappedViewAccessor _view;
    private readonly long* _words;
    private readonly int _slots;

    private ProgressLog(string path, int slots)
    {
        _slots = slots;
        _file = MemoryMappedFile.CreateFromFile(path, FileMode.Open, null, 0, MemoryMappedFileAccess.ReadWrite);
        _view = _file.CreateViewAccessor(0, slots * 8L, MemoryMappedFileAccess.ReadWrite);
        byte* pointer = null;
        _view.SafeMemoryMappedViewHandle.AcquirePointer(ref pointer);
        _words = (long*)(pointer + _view.PointerOffset);
    }

    /// <summary>Creates the file at <paramref name="path"/>, every slot <see cref="ProducerStep.NotStarted"/>.</summary>
    public static ProgressLog Create(string path, int slots)
    {
        File.WriteAllBytes(path, new byte[slots * 8]);
        return new ProgressLog(path, slots);
    }

    /// <summary>Maps the file a test created.</summary>
    public static ProgressLog Open(string path) => new(path, (int)(new FileInfo(path).Length / 8));

    /// <summary>Records that producer <paramref name="slot"/> reached <paramref name="step"/> of message <paramref name="sequence"/>.</summary>
    public void Record(int slot, ProducerStep step, long sequence) =>
        Interlocked.Exchange(ref _words[Checked(slot)], (sequence << 3) | (long)step);

    /// <summary>The last step producer <paramref name="slot"/> recorded.</summary>
    public (ProducerStep Step, long Sequence) Read(int slot)
    {
        long word = Interlocked.Read(ref _words[Checked(slot)]);
        return ((ProducerStep)(word & 7), word >> 3);
    }

    public void Dispose()
    {
        _view.SafeMemoryMappedViewHandle.ReleasePointer();
        _view.Dispose();
        _file.Dispose();
    }

    private int Checked(int slot) =>
        slot >= 0 && slot < _slots ? slot : throw new ArgumentOutOfRangeException(nameof(slot), slot, $"the log has {_slots} slots");
}
