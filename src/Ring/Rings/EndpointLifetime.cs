using System;
using System.Runtime.CompilerServices;
using System.Threading;

namespace RingIpc;

/// <summary>
/// The life of a producer or consumer: its calls (every call that touches the ring: the non-blocking ones, the
/// blocking ones, batches, and completing what it handed out: a claim, a message), its disposal, which another
/// thread may run during a call, and the release of what it holds: its role, once it is disposed and no call is
/// under way, and its share of the mapping, once also nothing it handed out is still open. So no call touches an
/// unmapped ring, and a disposed consumer never moves the head after a successor took its role.
/// </summary>
/// <remarks>
/// <para>Ordering argument (an asymmetric Dekker handshake). A call stores <c>_inCall = 1</c> and then loads
/// <c>_disposed</c>; <see cref="Dispose"/> stores <c>_disposed = 1</c>, then runs a process-wide memory barrier
/// (<c>Interlocked.MemoryBarrierProcessWide</c>: every other thread of the process is serialized, as if it had run a
/// full fence at that point), then loads <c>_inCall</c>. So at least one of them sees the other's store: either the
/// call sees the dispose (and stops, or, finishing a claim or a message, skips what needs the role), or the dispose
/// sees the call and leaves the release to it. A call ends by storing <c>_inCall = 0</c> and loading
/// <c>_disposed</c> the same way. Whoever sees "disposed and no call" runs <see cref="ReleaseIfDone"/>, under a lock
/// that lets each release run once and never lets the mapping go while the role's release still writes the header. The calls, which are on the hot path, pay only plain volatile accesses;
/// the rare dispose pays the barrier. Where the barrier is missing (.NET Framework, Mono), the call's stores are
/// full fences instead (<c>Interlocked.Exchange</c>).</para>
/// <para>What the endpoint handed out (<c>holdsMapping</c>: an open message or claim, a consumer's async role hold)
/// changes inside a call, on the endpoint's thread, after the last access to the ring it allowed (the async hold:
/// on the waiter or disposing thread, which then runs <see cref="ReleaseIfDone"/> itself): so a release that sees no
/// call and nothing open may unmap.</para>
/// </remarks>
internal sealed class EndpointLifetime
{
    private readonly string _name;
    private readonly Action _releaseRole;
    private readonly Action _releaseMapping;
    private readonly Func<bool> _holdsMapping;
    private readonly object _gate = new();
    private int _inCall;
    private int _disposed;
    private int _roleReleased;
    private int _mappingReleased;

    /// <param name="name">The endpoint, for messages: "consumer of ring 'orders'".</param>
    /// <param name="releaseRole">Gives up the role; runs once, when the endpoint is disposed and no call is under way.</param>
    /// <param name="releaseMapping">Drops the endpoint's reference to the mapping; runs once, when also
    /// <paramref name="holdsMapping"/> says nothing handed out is open.</param>
    /// <param name="holdsMapping">Whether a claim or a message handed out still uses the mapping.</param>
    public EndpointLifetime(string name, Action releaseRole, Action releaseMapping, Func<bool> holdsMapping)
    {
        _name = name;
        _releaseRole = releaseRole;
        _releaseMapping = releaseMapping;
        _holdsMapping = holdsMapping;
    }

    public bool IsDisposed => Volatile.Read(ref _disposed) != 0;

    /// <summary>Starts a call; end it with <see cref="Call.Dispose"/>.</summary>
    /// <exception cref="ObjectDisposedException">The endpoint was disposed.</exception>
    /// <exception cref="InvalidOperationException">Another call is under way (a handler calling back, or a
    /// second thread: that one is detected on a best-effort basis).</exception>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public Call Enter()
    {
        Call call = EnterEvenIfDisposed();
        if (Volatile.Read(ref _disposed) != 0)
        {
            call.Dispose();
            ThrowDisposed();
        }

        return call;
    }

    /// <summary>Starts a call that finishes something handed out earlier (a claim, a message): it may run after the
    /// dispose, and then checks <see cref="IsDisposed"/> itself before doing what needs the role.</summary>
    /// <exception cref="InvalidOperationException">Another call is under way.</exception>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public Call EnterEvenIfDisposed()
    {
        if (Volatile.Read(ref _inCall) != 0)
        {
            ThrowInCall();
        }

        StoreWithFence(ref _inCall, 1);
        return new Call(this);
    }

    /// <summary>Marks the endpoint disposed; releases what it holds now, or, if a call is under way, when it ends.</summary>
    /// <returns>Whether a call is under way (the caller then wakes it, in case it sleeps); <c>false</c> also if the
    /// endpoint was already disposed.</returns>
    public bool Dispose()
    {
        if (Interlocked.Exchange(ref _disposed, 1) != 0)
        {
            return false;
        }

#if NET
        Interlocked.MemoryBarrierProcessWide();
#endif
        if (Volatile.Read(ref _inCall) == 0)
        {
            ReleaseIfDone();
            return false;
        }

        return true;
    }

    public ObjectDisposedException ObjectDisposed() => new(_name, $"The {_name} was disposed.");

    /// <summary>Throws <see cref="ObjectDisposed"/>. Kept out of line, so that the checks that call it — the calls'
    /// entry, the endpoints' <c>ThrowIfDisposed</c> — stay small enough to inline within the JIT's budget.</summary>
    [MethodImpl(MethodImplOptions.NoInlining)]
    public void ThrowDisposed() => throw ObjectDisposed();

    [MethodImpl(MethodImplOptions.NoInlining)]
    private void ThrowInCall() =>
        throw new InvalidOperationException($"The {_name} is already in a call, on another thread (one endpoint is for one thread) or from a handler of its own Read.");

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private void Exit()
    {
        StoreWithFence(ref _inCall, 0);
        if (Volatile.Read(ref _disposed) != 0)
        {
            ReleaseIfDone();
        }
    }

    /// <summary>Runs once disposed with no call under way (and again when something handed out is closed after
    /// that): the role goes at once, the mapping once nothing is open. Serialized, so the mapping is never released
    /// while another thread still releases the role (which writes the header).</summary>
    public void ReleaseIfDone()
    {
        lock (_gate)
        {
            if (Volatile.Read(ref _disposed) == 0 || Volatile.Read(ref _inCall) != 0)
            {
                return;
            }

            if (_roleReleased == 0)
            {
                _roleReleased = 1;
                _releaseRole();
            }

            if (_mappingReleased == 0 && !_holdsMapping())
            {
                _mappingReleased = 1;
                _releaseMapping();
            }
        }
    }

    /// <summary>The call side's store: plain where <see cref="Dispose"/> can serialize this thread with the
    /// process-wide barrier, a full fence where it cannot.</summary>
    private static void StoreWithFence(ref int location, int value)
    {
#if NET
        Volatile.Write(ref location, value);
#else
        Interlocked.Exchange(ref location, value);
#endif
    }

    /// <summary>A call under way; disposing it ends the call (and releases what the endpoint holds if it was disposed meanwhile).</summary>
    public readonly struct Call : IDisposable
    {
        private readonly EndpointLifetime _lifetime;

        public Call(EndpointLifetime lifetime)
        {
            _lifetime = lifetime;
        }

        [MethodImpl(MethodImplOptions.AggressiveInlining)]
        public void Dispose() => _lifetime.Exit();
    }
}
