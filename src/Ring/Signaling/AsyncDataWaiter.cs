using System;
using System.Collections.Generic;
using System.Runtime.InteropServices;
using System.Threading;
using System.Threading.Tasks;
using RingIpc.Interop;

namespace RingIpc.Signaling;

/// <summary>
/// Waits for data on behalf of every consumer in this process that awaits <c>WaitToReadAsync</c>, on one
/// dedicated background thread, so no thread is blocked per ring.
/// </summary>
/// <remarks>
/// For each pending wait the thread does the consumer's half of the eventcount handshake (see
/// <see cref="RingSignals"/>), then sleeps on all the rings' data words at once with <c>futex_waitv</c>
/// (Linux 5.16+), together with a private word that new registrations and cancellations bump. Where
/// <c>futex_waitv</c> is missing or refused (older kernels, seccomp, Windows, macOS), or for more than
/// 127 rings at once, it polls every millisecond instead.
/// A registration keeps its ring's mapping alive, so disposing the ring meanwhile is safe.
/// </remarks>
internal sealed unsafe class AsyncDataWaiter
{
    private const int MaxSleepMs = 200;

    /// <summary>FUTEX_WAITV_MAX: the most words one futex_waitv call takes (one is the private wake word).</summary>
    private const int MaxWaitvEntries = 128;

    private static readonly Lazy<AsyncDataWaiter> Shared = new(() => new AsyncDataWaiter());

    private readonly object _gate = new();
    private readonly List<Registration> _pending = new();
    private readonly int* _wakeWord;
    private readonly bool _linux = RuntimeInformation.IsOSPlatform(OSPlatform.Linux) && Futex.IsSupported;
    private bool _waitvMissing;

    private AsyncDataWaiter()
    {
        _wakeWord = (int*)Marshal.AllocHGlobal(sizeof(int)); // lives as long as the process, like the thread
        *_wakeWord = 0;
        new Thread(Run) { IsBackground = true, Name = "RingIpc async waiter" }.Start();
    }

    public static AsyncDataWaiter Instance => Shared.Value;

    /// <summary>Wakes the thread, if it exists, to re-check its registrations (a consumer was disposed).</summary>
    public static void NotifyIfRunning()
    {
        if (Shared.IsValueCreated)
        {
            Shared.Value.Poke();
        }
    }

    /// <summary>Completes with <c>true</c> once <paramref name="consumer"/> has a message; cancelled with the token;
    /// faulted with <see cref="ObjectDisposedException"/> if the consumer or its ring is disposed first.</summary>
    public Task<bool> WaitAsync(RingConsumer consumer, SharedRing ring, CancellationToken cancellationToken)
    {
        ring.Section.AddReference();
        var registration = new Registration(consumer, ring);
        if (cancellationToken.CanBeCanceled)
        {
            registration.Cancellation = cancellationToken.Register(static state =>
            {
                var (self, r) = ((AsyncDataWaiter, Registration))state!;
                r.Completion.TrySetCanceled();
                self.Poke();
            }, (this, registration));
        }

        lock (_gate)
        {
            _pending.Add(registration);
        }

        Poke();
        return registration.Completion.Task;
    }

    /// <summary>Wakes the thread so it sees a changed set of registrations.</summary>
    private void Poke()
    {
        Atomics.Increment(_wakeWord);
        if (_linux)
        {
            Futex.WakeAll(_wakeWord);
        }
    }

    private void Run()
    {
        var batch = new List<Registration>();
        while (true)
        {
            int wakeSequence = Atomics.LoadAcquire(_wakeWord);
            TakeSnapshot(batch);
            if (batch.Count == 0)
            {
                Sleep(null, wakeSequence);
                continue;
            }

            var observed = new int[batch.Count];
            for (int i = 0; i < batch.Count; i++)
            {
                observed[i] = batch[i].Ring.Signals.BeginConsumerWait();
            }

            try
            {
                // Re-check after announcing the waits: a producer may have committed just before.
                bool anyCompleted = false;
                foreach (Registration registration in batch)
                {
                    anyCompleted |= TryComplete(registration);
                }

                if (!anyCompleted)
                {
                    Sleep(batch, wakeSequence, observed);
                }
            }
            finally
            {
                foreach (Registration registration in batch)
                {
                    registration.Ring.Signals.EndConsumerWait();
                }
            }
        }
    }

    /// <summary>Drops finished registrations and copies the rest into <paramref name="batch"/>.</summary>
    private void TakeSnapshot(List<Registration> batch)
    {
        batch.Clear();
        lock (_gate)
        {
            for (int i = _pending.Count - 1; i >= 0; i--)
            {
                Registration registration = _pending[i];
                if (registration.Completion.Task.IsCompleted || TryComplete(registration))
                {
                    _pending.RemoveAt(i);
                    registration.Finish();
                }
            }

            batch.AddRange(_pending);
        }
    }

    /// <summary>Completes the registration if its consumer has data or is gone.</summary>
    private static bool TryComplete(Registration registration)
    {
        if (registration.Completion.Task.IsCompleted)
        {
            return true;
        }

        if (registration.Consumer.IsDisposed)
        {
            return registration.Completion.TrySetException(new ObjectDisposedException(nameof(RingConsumer), "The consumer or its ring was disposed while a read waited.")) || true;
        }

        try
        {
            registration.Consumer.RecoverAbandonedClaim();
            return registration.Consumer.HasMessage() && (registration.Completion.TrySetResult(true) || true);
        }
        catch (Exception exception)
        {
            registration.Completion.TrySetException(exception);
            return true;
        }
    }

    private void Sleep(List<Registration>? batch, int wakeSequence, int[]? observed = null)
    {
        int count = batch?.Count ?? 0;
        if (_linux && !_waitvMissing && count + 1 <= MaxWaitvEntries)
        {
            Futex.WaitEntry* entries = stackalloc Futex.WaitEntry[count + 1];
            entries[0] = new Futex.WaitEntry(_wakeWord, wakeSequence);
            for (int i = 0; i < count; i++)
            {
                entries[i + 1] = new Futex.WaitEntry(batch![i].Ring.Signals.Data.Sequence, observed![i]);
            }

            int result = Futex.WaitAny(entries, count + 1, MaxSleepMs);
            if (result is 0 or Futex.EAGAIN or Futex.ETIMEDOUT or Futex.EINTR)
            {
                return;
            }

            // ENOSYS (kernel before 5.16), EPERM (a seccomp filter), ...: poll from now on rather than spin.
            _waitvMissing = true;
        }

        Thread.Sleep(count == 0 ? 10 : 1);
    }

    private sealed class Registration(RingConsumer consumer, SharedRing ring)
    {
        public RingConsumer Consumer { get; } = consumer;

        public SharedRing Ring { get; } = ring;

        public TaskCompletionSource<bool> Completion { get; } = new(TaskCreationOptions.RunContinuationsAsynchronously);

        public CancellationTokenRegistration Cancellation { get; set; }

        /// <summary>Releases the cancellation callback and the ring's mapping.</summary>
        public void Finish()
        {
            Cancellation.Dispose();
            Ring.Section.ReleaseReference();
        }
    }
}
