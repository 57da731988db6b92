using System;
using System.Threading;
using System.Threading.Tasks;

namespace RingIpc;

/// <summary>STUB: the client side of calls; being implemented.</summary>
public sealed class CallClient : IDisposable
{
    private CallClient()
    {
    }

    /// <summary>Connects to the server at <paramref name="name"/>.</summary>
    public static CallClient Connect(string name, CallContract contract, TimeSpan timeout) => throw new NotImplementedException();

    /// <summary>Makes a call with a result.</summary>
    public ValueTask<TResult> CallAsync<TArgs, TResult>(int methodId, int argsLength, in TArgs args, CallArgsWriter<TArgs> writeArgs,
        CallResultReader<TResult> readResult, CancellationToken cancellationToken) => throw new NotImplementedException();

    /// <summary>Makes a call without a result.</summary>
    public ValueTask CallAsync<TArgs>(int methodId, int argsLength, in TArgs args, CallArgsWriter<TArgs> writeArgs,
        CancellationToken cancellationToken) => throw new NotImplementedException();

    /// <summary>Disconnects.</summary>
    public void Dispose()
    {
    }
}
