import { Body, Controller, Get, HttpCode, Ip, Post } from '@nestjs/common';
import { ApiAcceptedResponse, ApiBearerAuth, ApiOkResponse, ApiOperation, ApiTags, ApiTooManyRequestsResponse, ApiUnauthorizedResponse } from '@nestjs/swagger';
import { Public } from '../../common/http/public.decorator';
import type { Principal } from '../tenancy/principal';
import { CurrentPrincipal } from '../tenancy/team-access.decorator';
import { AppException } from '../../common/errors/app.exception';
import { AuthService } from './auth.service';
import { LoginDto, MeDto, RefreshDto, RegisterDto, RegisteredDto, TokenPairDto } from './dto/auth.dto';

@ApiTags('auth')
@Controller('auth')
export class AuthController {
  constructor(private readonly auth: AuthService) {}

  @Public()
  @Post('register')
  @HttpCode(202)
  @ApiOperation({
    summary: 'Create an account, then sign in with POST /auth/login (rate-limited per IP)',
    description: 'The answer is the same whether or not the email already has an account, so it cannot be used to find accounts; a taken email is left as it is.',
  })
  @ApiAcceptedResponse({ type: RegisteredDto })
  @ApiTooManyRequestsResponse({ description: 'Too many registrations from this IP; Retry-After says when to try again' })
  register(@Body() dto: RegisterDto, @Ip() ip: string): Promise<RegisteredDto> {
    return this.auth.register(dto, ip);
  }

  @Public()
  @Post('login')
  @HttpCode(200)
  @ApiOperation({ summary: 'Sign in with email and password (rate-limited per email and IP)' })
  @ApiOkResponse({ type: TokenPairDto })
  @ApiUnauthorizedResponse({ description: 'Wrong email or password' })
  @ApiTooManyRequestsResponse({ description: 'Too many attempts; Retry-After says when to try again' })
  login(@Body() dto: LoginDto, @Ip() ip: string): Promise<TokenPairDto> {
    return this.auth.login(dto, ip);
  }

  @Public()
  @Post('refresh')
  @HttpCode(200)
  @ApiOperation({ summary: 'Exchange a refresh token for a new pair; the old refresh token stops working' })
  @ApiOkResponse({ type: TokenPairDto })
  refresh(@Body() dto: RefreshDto): Promise<TokenPairDto> {
    return this.auth.refresh(dto.refreshToken);
  }

  @Public()
  @Post('logout')
  @HttpCode(204)
  @ApiOperation({ summary: 'Revoke the refresh token (and its rotation family)' })
  async logout(@Body() dto: RefreshDto): Promise<void> {
    await this.auth.logout(dto.refreshToken);
  }

  @Get('me')
  @ApiBearerAuth('bearer')
  @ApiOperation({ summary: 'The signed-in user with their organisations and teams' })
  @ApiOkResponse({ type: MeDto })
  me(@CurrentPrincipal() principal: Principal): Promise<MeDto> {
    if (principal.kind !== 'user') throw AppException.forbidden('API keys act for a team, not a user');
    return this.auth.me(principal.userId);
  }
}
