// Documentation only: the flow Swagger shows. Step types and their config fields belong to the step
// plugins (see GET the step catalogue); the ones below illustrate a typical asynchronous check.

export const EXAMPLE_RESOURCE_IDS = {
  kafka: '3f0c6a52-8f7e-4d43-9b3e-2f1f4f1d9a10',
  ordersDb: '9b8d2c1e-44a1-4f0e-8d7a-5c6b7a8e9f01',
} as const;

export const EXAMPLE_FLOW_DEFINITION = {
  name: 'Order placed → row stored → event published',
  description:
    'Subscribes to orders.created before placing an order over HTTP, checks the row in Postgres, and ends only once ' +
    'the background subscription has seen the matching event.',
  tags: ['checkout', 'smoke'],
  variables: [
    { name: 'baseUrl', type: 'string', default: 'http://orders.internal:8080', required: true, description: 'Orders API' },
    { name: 'customerId', type: 'string', default: 'c-1001' },
    { name: 'quantity', type: 'number', default: 2 },
  ],
  steps: [
    {
      id: '0b6f7d0e-3c55-4a38-9a5b-6c1f0f7a2e11',
      name: 'orderCreatedEvent',
      type: 'kafka-subscribe',
      config: {
        resourceId: EXAMPLE_RESOURCE_IDS.kafka,
        topic: 'orders.created',
        searchPattern: { matchType: 'jsonpath', pattern: "$[?(@.customerId == '${customerId}')]", matchAll: false },
        timeoutMs: 45000,
      },
      assertions: [{ path: 'messages[0].value.items[0].quantity', operator: 'equals', expected: '${quantity}' }],
      timeoutMs: 60000,
      continueOnFailure: false,
      runInBackground: true,
    },
    {
      id: '5d2a9c47-1e0b-4f6d-8b3a-7e9c1d2f3a44',
      name: 'createOrder',
      type: 'http',
      config: {
        method: 'POST',
        url: '${baseUrl}/orders',
        headers: { 'Content-Type': 'application/json', 'X-Request-Id': '${uuid()}' },
        body: { customerId: '${customerId}', items: [{ sku: 'SKU-42', quantity: '${quantity}' }] },
      },
      assertions: [
        { path: 'status', operator: 'equals', expected: 201 },
        { path: 'body.id', operator: 'exists' },
      ],
      timeoutMs: 10000,
      retry: { maxRetries: 2, initialDelayMs: 500, backoffMultiplier: 2, maxDelayMs: 5000 },
      continueOnFailure: false,
      runInBackground: false,
    },
    {
      id: 'c81e4b2a-6f3d-4d7e-a0b9-2d4c6e8f0a55',
      name: 'orderRow',
      type: 'sql',
      config: {
        resourceId: EXAMPLE_RESOURCE_IDS.ordersDb,
        query: 'SELECT status, quantity FROM orders WHERE id = :orderId',
        parameters: { orderId: '${createOrder.response.body.id}' },
      },
      assertions: [
        { path: 'rows[0].status', operator: 'in', expected: ['PENDING', 'CONFIRMED'] },
        { path: 'rows[0].quantity', operator: 'equals', expected: '${quantity}' },
      ],
      timeoutMs: 5000,
      retry: { maxRetries: 5, initialDelayMs: 1000, backoffMultiplier: 1.5, maxDelayMs: 10000 },
      continueOnFailure: false,
      runInBackground: false,
    },
  ],
};

export const EXAMPLE_FLOW = {
  id: 'e4b1a0c2-7d3f-4a5e-9b8c-1f2e3d4c5b6a',
  ...EXAMPLE_FLOW_DEFINITION,
  version: 3,
  stepTypes: ['http', 'kafka-subscribe', 'sql'],
  createdBy: '6a7b8c9d-0e1f-4a2b-8c3d-4e5f6a7b8c9d',
  createdAt: '2025-11-27T10:15:00.000Z',
  updatedAt: '2025-11-27T16:40:12.000Z',
};
