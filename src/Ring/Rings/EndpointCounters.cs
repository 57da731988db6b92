using System.Runtime.CompilerServices;

namespace RingIpc;

/// <summary>
/// An endpoint's counters in the header (a producer's in its registry slot, the consumer's at offset 640):
/// eight 64-bit values with one writer each, stored with <see cref="Atomics.StoreSingleWriter"/> — no shared
/// atomic and no locked instruction per message, in 32-bit processes too. Only the writer adds (a plain read of
/// its own last store, then the new value); tooling and metrics read them (<see cref="RingStatus"/>).
/// </summary>
internal readonly unsafe struct EndpointCounters
{
    /// <summary>How many counters an endpoint has.</summary>
    public const int Count = 8;

    /// <summary>Messages written (producer) or read (consumer).</summary>
    public const int Messages = 0;

    /// <summary>Payload bytes written or read.</summary>
    public const int Bytes = 1;

    /// <summary>Producer: writes and claims refused because the ring was full.</summary>
    public const int FullRejections = 2;

    /// <summary>Waits that went to sleep (blocking or asynchronous).</summary>
    public const int Sleeps = 3;

    /// <summary>Wake-up syscalls made for the other side.</summary>
    public const int WakeCalls = 4;

    /// <summary>Producer: claims it aborted. Consumer: claims of dead producers it revoked.</summary>
    public const int AbandonedClaims = 5;

    /// <summary>Consumer: reservations of producers that died before marking them, turned into padding.</summary>
    public const int RepairedGaps = 6;

    /// <summary>Consumer: zeroing a dead predecessor left unfinished, finished at attach.</summary>
    public const int FinishedZeroings = 7;

    private readonly long* _values;

    public EndpointCounters(byte* values)
    {
        _values = (long*)values;
    }

    /// <summary>Reads counter <paramref name="index"/> (any process).</summary>
    public long Read(int index) => Atomics.LoadSingleWriter(_values + index);

    /// <summary>The writer: adds <paramref name="amount"/> to counter <paramref name="index"/>.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public void Add(int index, long amount)
    {
        Atomics.AddSingleWriter(_values + index, amount);
    }

    /// <summary>The writer, at attach: zeroes every counter.</summary>
    public void Reset()
    {
        for (int i = 0; i < Count; i++)
        {
            Atomics.StoreSingleWriter(_values + i, 0);
        }
    }
}
