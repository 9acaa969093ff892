import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { IsOptional, IsString, MaxLength } from 'class-validator';
import { IsNotBlank } from '@crisis-ops/service-kit';

export class AssignAlertDto {
  @ApiProperty({ example: 'officer-7' }) @IsString() @IsNotBlank() @MaxLength(200) assignee!: string;
}

export class CommentAlertDto {
  @ApiProperty({ example: 'Called the field office; confirmed.' }) @IsString() @IsNotBlank() @MaxLength(4000) body!: string;
}

export class CloseAlertDto {
  @ApiPropertyOptional({ example: 'Mediation opened' }) @IsOptional() @IsString() @MaxLength(1000) reason?: string;
}
