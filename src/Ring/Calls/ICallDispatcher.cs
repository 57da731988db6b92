using System;
using System.Threading;
using System.Threading.Tasks;

namespace RingIpc;

/// <summary>What a <see cref="CallServer"/> hosts: decodes a request, runs the implementation's method and
/// encodes its result. The generator emits one per <see cref="SharedServiceAttribute">[SharedService]</see>
/// interface (<c>{Name}Dispatcher</c>).</summary>
public interface ICallDispatcher
{
    /// <summary>The contract this dispatcher serves; clients of another contract are refused.</summary>
    CallContract Contract { get; }

    /// <summary>Runs method <paramref name="methodId"/> on <paramref name="request"/>'s arguments and writes its
    /// result into <paramref name="reply"/>.</summary>
    /// <param name="methodId">The method's id, as the proxy sent it.</param>
    /// <param name="request">The encoded arguments; valid until the returned task completes.</param>
    /// <param name="reply">Where the result goes.</param>
    /// <param name="cancellationToken">Cancelled when the caller cancels, its deadline passes, or it disconnects or dies.
    /// Valid until the returned task completes: the server reuses its source for a later call, so work left running
    /// after the handler must not keep it.</param>
    /// <exception cref="CallProtocolException">The request is not a valid call of this contract (unknown method,
    /// wrong length, a bool that is not 0 or 1, an undefined enum value, invalid UTF-8).</exception>
    ValueTask DispatchAsync(int methodId, ReadOnlyMemory<byte> request, CallReplyWriter reply, CancellationToken cancellationToken);
}
