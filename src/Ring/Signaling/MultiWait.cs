using System.Collections.Generic;
using System.Diagnostics;
using System.Runtime.InteropServices;
using System.Threading;

namespace RingIpc;

/// <summary>
/// Sleeps on many <see cref="SharedEvent"/>s at once, plus a private wake word that <see cref="Poke"/> advances:
/// what one thread needs to wait for many rings. Linux 5.16+: one <c>futex_waitv</c> call over every word.
/// Elsewhere, where it is refused, or for more than 127 events: polls every millisecond.
/// </summary>
/// <remarks>Reusable: <see cref="Clear"/>, <see cref="Add"/> the events with the sequence values read before the
/// caller's last re-check, then <see cref="Wait"/>. Only <see cref="Poke"/> may be called from other threads.</remarks>
internal sealed unsafe class MultiWait
{
    /// <summary>FUTEX_WAITV_MAX: the most words one futex_waitv call takes (one is the wake word).</summary>
    private const int MaxWaitvEntries = 128;

    private readonly List<SharedEvent> _events = new();
    private readonly List<int> _observed = new();
    private readonly SharedInt32 _wakeWord;
    private readonly bool _futex = RuntimeInformation.IsOSPlatform(OSPlatform.Linux) && Futex.IsSupported;
    private bool _waitvMissing;

    /// <summary>Creates the wait; it lives as long as the process (its wake word is never freed).</summary>
    public MultiWait()
    {
        int* word = (int*)Marshal.AllocHGlobal(sizeof(int));
        *word = 0;
        _wakeWord = new SharedInt32(word);
    }

    /// <summary>The wake word's value, to read before the caller looks at what it waits for.</summary>
    public int WakeSequence => _wakeWord.LoadAcquire();

    /// <summary>Ends a <see cref="Wait"/> in progress, or makes the next one return at once.</summary>
    public void Poke()
    {
        _wakeWord.Increment();
        if (_futex)
        {
            Futex.WakeAll(_wakeWord.Address);
        }
    }

    public void Clear()
    {
        _events.Clear();
        _observed.Clear();
    }

    /// <summary>Adds <paramref name="sharedEvent"/>, whose sequence word held <paramref name="observed"/>.</summary>
    public void Add(SharedEvent sharedEvent, int observed)
    {
        _events.Add(sharedEvent);
        _observed.Add(observed);
    }

    /// <summary>Sleeps until an event is signaled (or its word moved on since it was observed), the wake word
    /// moves on from <paramref name="wakeSequence"/>, or <paramref name="timeoutMs"/> passes.</summary>
    public SleepOutcome Wait(int wakeSequence, int timeoutMs)
    {
        if (_futex && !_waitvMissing && _events.Count < MaxWaitvEntries && AllFutexes())
        {
            SleepOutcome? outcome = WaitV(wakeSequence, timeoutMs);
            if (outcome is not null)
            {
                return outcome.Value;
            }

            _waitvMissing = true; // ENOSYS (kernel before 5.16), EPERM (seccomp), ...: poll from now on
        }

        return Poll(wakeSequence, timeoutMs);
    }

    private bool AllFutexes()
    {
        foreach (SharedEvent sharedEvent in _events)
        {
            if (sharedEvent is not FutexEvent)
            {
                return false;
            }
        }

        return true;
    }

    private SleepOutcome? WaitV(int wakeSequence, int timeoutMs)
    {
        int count = _events.Count + 1;
        Futex.WaitEntry* entries = stackalloc Futex.WaitEntry[count];
        entries[0] = new Futex.WaitEntry(_wakeWord.Address, wakeSequence);
        for (int i = 1; i < count; i++)
        {
            entries[i] = new Futex.WaitEntry(_events[i - 1].Sequence.Address, _observed[i - 1]);
        }

        return Futex.WaitAny(entries, count, timeoutMs) switch
        {
            0 => SleepOutcome.Woken,
            Futex.EAGAIN => SleepOutcome.Changed,
            Futex.ETIMEDOUT => SleepOutcome.TimedOut,
            Futex.EINTR => SleepOutcome.Interrupted,
            _ => null,
        };
    }

    private SleepOutcome Poll(int wakeSequence, int timeoutMs)
    {
        long start = Stopwatch.GetTimestamp();
        while ((Stopwatch.GetTimestamp() - start) * 1000 / Stopwatch.Frequency < timeoutMs)
        {
            if (WakeSequence != wakeSequence || AnyChanged())
            {
                break;
            }

            Thread.Sleep(1);
        }

        return SleepOutcome.Polled;
    }

    private bool AnyChanged()
    {
        for (int i = 0; i < _events.Count; i++)
        {
            if (_events[i].Read() != _observed[i])
            {
                return true;
            }
        }

        return false;
    }
}
