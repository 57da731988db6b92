using System;
using System.Diagnostics;
using System.Threading;

namespace RingIpc;

/// <summary>
/// Keeps a consumer's role while its <c>WaitToReadAsync</c> is registered with the async waiter thread, which
/// announces its sleeps on the ring: a successor that took the role meanwhile would have its announcement
/// withdrawn by that thread. The role's release is deferred until the registration has ended; a disposing thread
/// waits for that (briefly: the waiter thread was just poked) and releases the role itself, so the role is free
/// when <c>Dispose</c> returns. While held, the hold also keeps the consumer's mapping (the release writes the
/// header).
/// </summary>
/// <remarks>
/// States: <see cref="None"/>; <see cref="Registered"/>; <see cref="DeferredWaited"/> (the release was deferred and
/// a disposing thread waits to run it); <see cref="DeferredUnwaited"/> (deferred, nobody waits: whoever ends the
/// registration runs it); <see cref="Ended"/> (the registration ended, the waiting thread runs the release);
/// <see cref="Releasing"/>. Every transition is one compare-and-swap, so exactly one party releases, and the state
/// returns to <see cref="None"/> only after the release ran.
/// </remarks>
internal sealed class AsyncRoleHold
{
    private const int None = 0;
    private const int Registered = 1;
    private const int DeferredWaited = 2;
    private const int DeferredUnwaited = 3;
    private const int Ended = 4;
    private const int Releasing = 5;

    private readonly Action _release;
    private readonly Action _afterRelease;
    private int _state;

    /// <param name="release">Releases the role.</param>
    /// <param name="afterRelease">Runs after the hold is gone (releases the mapping if nothing else holds it).</param>
    public AsyncRoleHold(Action release, Action afterRelease)
    {
        _release = release;
        _afterRelease = afterRelease;
    }

    /// <summary>Whether a registration or a deferred release is under way.</summary>
    public bool IsHeld => Volatile.Read(ref _state) != None;

    /// <summary>A registration begins (inside a lifetime call of the consumer, so a dispose either sees it or is
    /// seen by the caller, which then registers nothing).</summary>
    public void Begin() => Volatile.Write(ref _state, Registered);

    /// <summary>The role is to be released: defers it if a registration is under way.</summary>
    /// <returns>Whether it was deferred.</returns>
    public bool TryDefer() => Interlocked.CompareExchange(ref _state, DeferredUnwaited, Registered) == Registered;

    /// <summary>The registration ended (the waiter withdrew its announcements, or it never started): runs the
    /// deferred release unless a disposing thread waits to run it.</summary>
    public void End()
    {
        while (true)
        {
            int state = Volatile.Read(ref _state);
            int next = state switch
            {
                Registered => None,
                DeferredWaited => Ended,
                DeferredUnwaited => Releasing,
                _ => -1,
            };
            if (next < 0)
            {
                return;
            }

            if (Interlocked.CompareExchange(ref _state, next, state) == state)
            {
                if (next == Releasing)
                {
                    Release();
                }
                else if (next == None)
                {
                    _afterRelease();
                }

                return;
            }
        }
    }

    /// <summary>From <c>Dispose</c>: if the release was deferred, waits up to <paramref name="timeoutMs"/> for the
    /// registration to end and then runs it here; after the time limit, leaves it to <see cref="End"/>.</summary>
    public void AwaitAndRelease(int timeoutMs)
    {
        if (Interlocked.CompareExchange(ref _state, DeferredWaited, DeferredUnwaited) != DeferredUnwaited)
        {
            return;
        }

        var spin = new SpinWait();
        var clock = Stopwatch.StartNew();
        while (Volatile.Read(ref _state) == DeferredWaited && clock.ElapsedMilliseconds < timeoutMs)
        {
            spin.SpinOnce();
        }

        if (Interlocked.CompareExchange(ref _state, DeferredUnwaited, DeferredWaited) == DeferredWaited)
        {
            return; // timed out: End runs the release
        }

        if (Interlocked.CompareExchange(ref _state, Releasing, Ended) == Ended)
        {
            Release();
        }
    }

    private void Release()
    {
        try
        {
            _release();
        }
        finally
        {
            Volatile.Write(ref _state, None);
            _afterRelease();
        }
    }
}
