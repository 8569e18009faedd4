import { Module } from '@nestjs/common';
import { HttpConnectionTester } from './http-connection.tester';
import { HttpStep } from './http.step';

@Module({ providers: [HttpConnectionTester, HttpStep] })
export class HttpIntegrationModule {}
